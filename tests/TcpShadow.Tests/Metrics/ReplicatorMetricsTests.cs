using System.Net;
using Microsoft.Extensions.Logging.Abstractions;
using Prometheus;
using TcpShadow.DataPlane.Feedback;
using TcpShadow.DataPlane.Metrics;
using TcpShadow.DataPlane.Packets;
using TcpShadow.DataPlane.Sessions;
using TcpShadow.Tests.Feedback;

namespace TcpShadow.Tests.Metrics;

public class ReplicatorMetricsTests
{
    private static EngineCounters SampleCounters()
    {
        var c = new EngineCounters
        {
            PacketsCaptured = 1001,
            PacketsSent = 902,
            BytesSent = 123_456,
            SendErrors = 3,
            Retransmits = 17,
            SynRetransmits = 5,
            Responses = 880,
            SessionsOpened = 40,
            SessionsEstablished = 38,
            SessionsCompleted = 30,
            SessionsReset = 2,
            SessionsTimedOut = 1,
            SessionsSuperseded = 4,
            SessionsDeferred = 6,
            RequestsCaptured = 500,
            RequestsCopied = 490,
            RequestsLost = 10,
            ActiveSessions = 7,
        };
        c.Drops[(int)DropReason.NotTcp] = 9;
        c.Drops[(int)DropReason.OutOfOrder] = 2;
        c.Lost[(int)LossReason.TargetReset] = 8;
        c.Lost[(int)LossReason.CaptureGap] = 2;
        return c;
    }

    internal static (CollectorRegistry Registry, EngineCounters Counters) NewReplicatorRegistry(IReadOnlyList<InterceptClient>? clients = null)
    {
        var registry = Prometheus.Metrics.NewCustomRegistry();
        var counters = SampleCounters();
        ReplicatorMetrics.Register(registry, [new ShardMetricsSource(0, counters, () => 77, () => 12)], clients ?? []);
        return (registry, counters);
    }

    [Fact]
    public async Task Scrape_ShardCounters_ExportedWithShardLabel()
    {
        var (registry, _) = NewReplicatorRegistry();
        var text = await MetricsText.ScrapeAsync(registry);

        Assert.Equal(1001, MetricsText.Value(text, "tcpshadow_packets_captured_total{shard=\"0\"}"));
        Assert.Equal(902, MetricsText.Value(text, "tcpshadow_packets_sent_total{shard=\"0\"}"));
        Assert.Equal(123_456, MetricsText.Value(text, "tcpshadow_sent_bytes_total{shard=\"0\"}"));
        Assert.Equal(3, MetricsText.Value(text, "tcpshadow_send_errors_total{shard=\"0\"}"));
        Assert.Equal(17, MetricsText.Value(text, "tcpshadow_retransmissions_total{shard=\"0\"}"));
        Assert.Equal(5, MetricsText.Value(text, "tcpshadow_syn_retransmissions_total{shard=\"0\"}"));
        Assert.Equal(880, MetricsText.Value(text, "tcpshadow_responses_total{shard=\"0\"}"));
        Assert.Equal(40, MetricsText.Value(text, "tcpshadow_sessions_opened_total{shard=\"0\"}"));
        Assert.Equal(38, MetricsText.Value(text, "tcpshadow_sessions_established_total{shard=\"0\"}"));
        Assert.Equal(30, MetricsText.Value(text, "tcpshadow_sessions_completed_total{shard=\"0\"}"));
        Assert.Equal(2, MetricsText.Value(text, "tcpshadow_sessions_reset_total{shard=\"0\"}"));
        Assert.Equal(1, MetricsText.Value(text, "tcpshadow_sessions_timed_out_total{shard=\"0\"}"));
        Assert.Equal(4, MetricsText.Value(text, "tcpshadow_sessions_superseded_total{shard=\"0\"}"));
        Assert.Equal(6, MetricsText.Value(text, "tcpshadow_sessions_deferred_total{shard=\"0\"}"));
        Assert.Equal(7, MetricsText.Value(text, "tcpshadow_sessions_active{shard=\"0\"}"));
        Assert.Equal(500, MetricsText.Value(text, "tcpshadow_requests_captured_total{shard=\"0\"}"));
        Assert.Equal(490, MetricsText.Value(text, "tcpshadow_requests_copied_total{shard=\"0\"}"));
        Assert.Equal(77, MetricsText.Value(text, "tcpshadow_kernel_capture_drops_total{shard=\"0\"}"));
        Assert.Equal(12, MetricsText.Value(text, "tcpshadow_response_ring_drops_total{shard=\"0\"}"));
    }

    [Fact]
    public async Task Scrape_DropsAndLosses_OneSeriesPerReasonIncludingZeros()
    {
        var (registry, _) = NewReplicatorRegistry();
        var text = await MetricsText.ScrapeAsync(registry);

        Assert.Equal(9, MetricsText.Value(text, "tcpshadow_packet_drops_total{shard=\"0\",reason=\"NotTcp\"}"));
        Assert.Equal(2, MetricsText.Value(text, "tcpshadow_packet_drops_total{shard=\"0\",reason=\"OutOfOrder\"}"));
        Assert.Equal(0, MetricsText.Value(text, "tcpshadow_packet_drops_total{shard=\"0\",reason=\"AfterClose\"}"));
        Assert.Null(MetricsText.Value(text, "tcpshadow_packet_drops_total{shard=\"0\",reason=\"None\"}"));
        Assert.Null(MetricsText.Value(text, "tcpshadow_packet_drops_total{shard=\"0\",reason=\"Count\"}"));
        Assert.Equal(8, MetricsText.Value(text, "tcpshadow_requests_lost_total{shard=\"0\",reason=\"TargetReset\"}"));
        Assert.Equal(2, MetricsText.Value(text, "tcpshadow_requests_lost_total{shard=\"0\",reason=\"CaptureGap\"}"));
        Assert.Equal(0, MetricsText.Value(text, "tcpshadow_requests_lost_total{shard=\"0\",reason=\"HandshakeFailed\"}"));
        Assert.Equal((int)DropReason.Count - 1, text.Split('\n').Count(l => l.StartsWith("tcpshadow_packet_drops_total{", StringComparison.Ordinal)));
        Assert.Equal((int)LossReason.Count, text.Split('\n').Count(l => l.StartsWith("tcpshadow_requests_lost_total{", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Scrape_AfterShardCounts_ReadsTheNewValues()
    {
        var (registry, counters) = NewReplicatorRegistry();
        await MetricsText.ScrapeAsync(registry);

        counters.PacketsCaptured += 99;
        counters.ActiveSessions = 3;
        counters.Lost[(int)LossReason.TargetReset]++;
        var text = await MetricsText.ScrapeAsync(registry);

        Assert.Equal(1100, MetricsText.Value(text, "tcpshadow_packets_captured_total{shard=\"0\"}"));
        Assert.Equal(3, MetricsText.Value(text, "tcpshadow_sessions_active{shard=\"0\"}"));
        Assert.Equal(9, MetricsText.Value(text, "tcpshadow_requests_lost_total{shard=\"0\",reason=\"TargetReset\"}"));
    }

    [Fact]
    public async Task Scrape_SeveralShards_OneSeriesPerShard()
    {
        var registry = Prometheus.Metrics.NewCustomRegistry();
        var a = new EngineCounters { PacketsCaptured = 1 };
        var b = new EngineCounters { PacketsCaptured = 2 };
        ReplicatorMetrics.Register(registry, [new ShardMetricsSource(0, a, () => 0, () => 0), new ShardMetricsSource(3, b, () => 0, () => 0)], []);
        var text = await MetricsText.ScrapeAsync(registry);

        Assert.Equal(1, MetricsText.Value(text, "tcpshadow_packets_captured_total{shard=\"0\"}"));
        Assert.Equal(2, MetricsText.Value(text, "tcpshadow_packets_captured_total{shard=\"3\"}"));
    }

    [Fact]
    public async Task Scrape_InterceptChannelDown_ConnectedZeroPerIntercept()
    {
        // Nothing listens on this port and the client is never started: the channel is down.
        var endpoint = new IPEndPoint(IPAddress.Loopback, MetricsText.FreePort());
        await using var client = new InterceptClient(endpoint, new RecordingSink(), NullLogger<InterceptClient>.Instance);
        var (registry, _) = NewReplicatorRegistry([client]);
        var text = await MetricsText.ScrapeAsync(registry);

        Assert.Equal(0, MetricsText.Value(text, $"tcpshadow_intercept_connected{{intercept=\"{endpoint}\"}}"));
        Assert.Equal(0, MetricsText.Value(text, $"tcpshadow_intercept_reconnects_total{{intercept=\"{endpoint}\"}}"));
    }
}
