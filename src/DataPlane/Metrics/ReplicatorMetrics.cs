using System.Globalization;
using Prometheus;
using TcpShadow.DataPlane.Feedback;
using TcpShadow.DataPlane.Packets;
using TcpShadow.DataPlane.Sessions;

namespace TcpShadow.DataPlane.Metrics;

/// <summary>
/// Exports the replicator's counters in Prometheus form. Nothing here runs per packet: the shards keep incrementing
/// their own plain <see cref="EngineCounters"/> fields, and a before-collect callback copies them into the metric
/// children once per scrape (<c>IncTo</c>/<c>Set</c>), so the scrape never contends with the hot path.
/// </summary>
/// <remarks>Every series is created at registration, at zero, so <c>rate()</c> sees the first increment of a drop reason.</remarks>
public sealed class ReplicatorMetrics
{
    private const string Prefix = "tcpshadow_";

    private readonly List<(Counter.Child Child, Func<long> Read)> _counters = [];
    private readonly List<(Gauge.Child Child, Func<long> Read)> _gauges = [];
    private readonly IMetricFactory _factory;
    private readonly IReadOnlyList<ShardMetricsSource> _shards;

    private ReplicatorMetrics(CollectorRegistry registry, IReadOnlyList<ShardMetricsSource> shards, IReadOnlyList<InterceptClient> intercepts)
    {
        _factory = Prometheus.Metrics.WithCustomRegistry(registry);
        _shards = shards;

        ShardCounter("packets_captured_total", "Packets the capture delivered to the shard.", c => c.PacketsCaptured);
        ShardCounter("packets_sent_total", "Packets sent to the target.", c => c.PacketsSent);
        ShardCounter("sent_bytes_total", "IP bytes sent to the target.", c => c.BytesSent);
        ShardCounter("send_errors_total", "Sends to the target that failed (they are retransmitted).", c => c.SendErrors);
        ShardCounter("retransmissions_total", "Data segments retransmitted to the target.", c => c.Retransmits);
        ShardCounter("syn_retransmissions_total", "SYNs retransmitted to the target.", c => c.SynRetransmits);
        ShardCounter("responses_total", "Target responses received through the intercept channel.", c => c.Responses);
        ShardCounter("sessions_opened_total", "Sessions opened towards the target.", c => c.SessionsOpened);
        ShardCounter("sessions_established_total", "Sessions whose handshake with the target completed.", c => c.SessionsEstablished);
        ShardCounter("sessions_completed_total", "Sessions that finished with every captured request copied.", c => c.SessionsCompleted);
        ShardCounter("sessions_reset_total", "Sessions the target reset.", c => c.SessionsReset);
        ShardCounter("sessions_timed_out_total", "Sessions dropped by the session or keep-alive timeout.", c => c.SessionsTimedOut);
        ShardCounter("sessions_superseded_total", "Sessions replaced by a new SYN on the same 4-tuple.", c => c.SessionsSuperseded);
        ShardCounter("sessions_deferred_total", "New connections queued behind a lagging predecessor on the same tuple.", c => c.SessionsDeferred);
        ShardCounter("requests_captured_total", "Client requests captured.", c => c.RequestsCaptured);
        ShardCounter("requests_copied_total", "Client requests the target acknowledged.", c => c.RequestsCopied);
        ShardCounter("response_ring_drops_total", "Responses dropped because the shard's response ring was full.", shardSource: s => s.ResponseRingDrops());
        ShardCounter("kernel_capture_drops_total", "Packets the kernel dropped before capture (capture ring full).", shardSource: s => s.KernelDrops());
        ShardGauge("sessions_active", "Sessions currently open.", c => c.ActiveSessions);
        ReasonCounter<DropReason>("packet_drops_total", "Captured packets not used, by reason.", first: 1, (int)DropReason.Count, static (c, i) => c.Drops[i]);
        ReasonCounter<LossReason>("requests_lost_total", "Captured requests that did not reach the target, by reason.", first: 0, (int)LossReason.Count, static (c, i) => c.Lost[i]);

        var connected = _factory.CreateGauge(Prefix + "intercept_connected", "1 while the channel to this intercept node is up, else 0.", ["intercept"]);
        var reconnects = _factory.CreateCounter(Prefix + "intercept_reconnects_total", "Times the channel to this intercept node was re-established.", ["intercept"]);
        foreach (var client in intercepts)
        {
            var label = client.Endpoint.ToString();
            _gauges.Add((connected.WithLabels(label), () => client.IsConnected ? 1 : 0));
            _counters.Add((reconnects.WithLabels(label), () => client.Reconnects));
        }
    }

    /// <summary>Creates every series in <paramref name="registry"/> and refreshes them before each collection.</summary>
    public static ReplicatorMetrics Register(CollectorRegistry registry, IReadOnlyList<ShardMetricsSource> shards, IReadOnlyList<InterceptClient> intercepts)
    {
        ArgumentNullException.ThrowIfNull(registry);
        ArgumentNullException.ThrowIfNull(shards);
        ArgumentNullException.ThrowIfNull(intercepts);
        var metrics = new ReplicatorMetrics(registry, shards, intercepts);
        registry.AddBeforeCollectCallback(metrics.Update);
        return metrics;
    }

    /// <summary>Copies the current counter values into the series (the before-collect callback).</summary>
    public void Update()
    {
        foreach (var (child, read) in _counters)
        {
            // Counters only move forward; IncTo ignores a smaller value.
            child.IncTo(read());
        }
        foreach (var (child, read) in _gauges)
        {
            child.Set(read());
        }
    }

    private void ShardCounter(string name, string help, Func<EngineCounters, long>? read = null, Func<ShardMetricsSource, long>? shardSource = null)
    {
        var counter = _factory.CreateCounter(Prefix + name, help, ["shard"]);
        foreach (var shard in _shards)
        {
            var s = shard;
            _counters.Add((counter.WithLabels(ShardLabel(s)), read is not null ? () => read(s.Counters) : () => shardSource!(s)));
        }
    }

    private void ShardGauge(string name, string help, Func<EngineCounters, long> read)
    {
        var gauge = _factory.CreateGauge(Prefix + name, help, ["shard"]);
        foreach (var shard in _shards)
        {
            var s = shard;
            _gauges.Add((gauge.WithLabels(ShardLabel(s)), () => read(s.Counters)));
        }
    }

    private void ReasonCounter<TReason>(string name, string help, int first, int count, Func<EngineCounters, int, long> read)
        where TReason : struct, Enum
    {
        var counter = _factory.CreateCounter(Prefix + name, help, ["shard", "reason"]);
        foreach (var shard in _shards)
        {
            var s = shard;
            for (var i = first; i < count; i++)
            {
                var index = i;
                var reason = Enum.GetName(typeof(TReason), i) ?? i.ToString(CultureInfo.InvariantCulture);
                _counters.Add((counter.WithLabels(ShardLabel(s), reason), () => read(s.Counters, index)));
            }
        }
    }

    private static string ShardLabel(ShardMetricsSource shard) => shard.Index.ToString(CultureInfo.InvariantCulture);
}
