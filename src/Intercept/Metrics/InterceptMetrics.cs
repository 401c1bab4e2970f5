using Prometheus;
using TcpShadow.DataPlane.Packets;
using TcpShadow.Intercept.Service;

namespace TcpShadow.Intercept.Metrics;

/// <summary>
/// Exports the intercept service's counters in Prometheus form. The capture thread keeps counting in its own fields;
/// a before-collect callback copies them into the metric series once per scrape, so nothing runs per response.
/// </summary>
public sealed class InterceptMetrics
{
    private const string Prefix = "tcpshadow_intercept_";

    private readonly List<(Counter Metric, Func<long> Read)> _counters = [];
    private readonly List<(Counter.Child Child, Func<long> Read)> _reasonCounters = [];
    private readonly List<(Gauge Metric, Func<long> Read)> _gauges = [];
    private readonly InterceptServer _server;
    private readonly Counter _replicatorDrops;
    private readonly Dictionary<string, long> _peerDrops = new(StringComparer.Ordinal);
    private readonly HashSet<string> _exportedPeers = new(StringComparer.Ordinal);
    private readonly Lock _updateLock = new();

    private InterceptMetrics(CollectorRegistry registry, InterceptServer server, Func<long> kernelDrops)
    {
        var factory = Prometheus.Metrics.WithCustomRegistry(registry);
        _server = server;
        void Counter(string name, string help, Func<long> read) => _counters.Add((factory.CreateCounter(Prefix + name, help), read));
        void Gauge(string name, string help, Func<long> read) => _gauges.Add((factory.CreateGauge(Prefix + name, help), read));

        Counter("responses_captured_total", "Target responses captured.", () => server.Captured);
        Counter("responses_routed_total", "Responses sent to the replicator that registered their connection.", () => server.Routed);
        Counter("responses_parked_total", "Responses (SYN-ACK, RST) held because they beat their registration.", () => server.Parked);
        Counter("responses_parked_delivered_total", "Parked responses delivered once their registration arrived.", () => server.ParkedDelivered);
        Counter("responses_park_expired_total", "Parked responses dropped because no registration arrived in time.", () => server.ParkExpired);
        Counter("responses_park_overflow_total", "Responses not parked because the park was full.", () => server.ParkOverflow);
        Counter("responses_unroutable_total", "Responses for connections no replicator registered.", () => server.Unroutable);
        Counter("registrations_total", "Connections registered by replicators.", () => server.Registrations);
        Counter("routes_expired_total", "Registered connections dropped by the route TTL.", () => server.Expired);
        Counter("peer_queue_drops_total", "Responses dropped because a replicator's send queue was full (all peers).", () => server.PeerDrops);
        Counter("malformed_frames_total", "Malformed frames received from replicators.", () => server.MalformedFrames);
        Counter("handshake_failures_total", "Replicator connections that failed the channel handshake.", () => server.HandshakeFailures);
        Counter("kernel_capture_drops_total", "Packets the kernel dropped before capture (capture ring full).", kernelDrops);
        Gauge("replicators_connected", "Replicator channels currently connected.", () => server.Peers);
        Gauge("routes", "Connections currently registered.", () => server.Routes);

        _replicatorDrops = factory.CreateCounter(Prefix + "replicator_queue_drops_total",
            "Responses dropped because this connected replicator's send queue was full; the series goes when the replicator disconnects.", ["replicator"]);

        var drops = factory.CreateCounter(Prefix + "packet_drops_total", "Captured packets not parsed as a response, by reason.", ["reason"]);
        for (var i = 1; i < (int)DropReason.Count; i++)
        {
            var reason = (DropReason)i;
            _reasonCounters.Add((drops.WithLabels(reason.ToString()), () => server.ParseDropsFor(reason)));
        }
    }

    /// <summary>Creates every series in <paramref name="registry"/> and refreshes them before each collection.</summary>
    public static InterceptMetrics Register(CollectorRegistry registry, InterceptServer server, Func<long> kernelDrops)
    {
        ArgumentNullException.ThrowIfNull(registry);
        ArgumentNullException.ThrowIfNull(server);
        ArgumentNullException.ThrowIfNull(kernelDrops);
        var metrics = new InterceptMetrics(registry, server, kernelDrops);
        registry.AddBeforeCollectCallback(metrics.Update);
        return metrics;
    }

    /// <summary>Copies the current counter values into the series (the before-collect callback).</summary>
    public void Update()
    {
        // Scrapes may overlap; the per-replicator bookkeeping below is not thread-safe on its own.
        lock (_updateLock)
        {
            UpdateCore();
        }
    }

    private void UpdateCore()
    {
        foreach (var (metric, read) in _counters)
        {
            metric.IncTo(read());
        }
        foreach (var (child, read) in _reasonCounters)
        {
            child.IncTo(read());
        }
        foreach (var (metric, read) in _gauges)
        {
            metric.Set(read());
        }

        _peerDrops.Clear();
        _server.CollectPeerDrops(_peerDrops);
        foreach (var (peer, dropped) in _peerDrops)
        {
            _replicatorDrops.WithLabels(peer).IncTo(dropped);
            _exportedPeers.Add(peer);
        }
        // A replicator that disconnected takes its series with it (its drops stay in peer_queue_drops_total).
        _exportedPeers.RemoveWhere(peer =>
        {
            if (_peerDrops.ContainsKey(peer))
            {
                return false;
            }
            _replicatorDrops.WithLabels(peer).Remove();
            return true;
        });
    }
}
