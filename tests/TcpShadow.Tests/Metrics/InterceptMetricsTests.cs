using System.Net;
using Microsoft.Extensions.Logging.Abstractions;
using Prometheus;
using TcpShadow.DataPlane.Feedback;
using TcpShadow.DataPlane.Packets;
using TcpShadow.Intercept.Metrics;
using TcpShadow.Intercept.Service;
using TcpShadow.Tests.Feedback;
using TcpShadow.Tests.Intercept.Service;

namespace TcpShadow.Tests.Metrics;

public class InterceptMetricsTests
{
    private const string Client = "198.18.1.5";
    private const string Target = "198.18.2.10";

    internal static (CollectorRegistry Registry, InterceptServer Server) NewInterceptRegistry(FakeCaptureSource capture, long kernelDrops = 0)
    {
        var server = new InterceptServer(new InterceptServerOptions { BindAddress = IPAddress.Loopback, Port = 0 }, capture, NullLoggerFactory.Instance);
        var registry = Prometheus.Metrics.NewCustomRegistry();
        InterceptMetrics.Register(registry, server, () => kernelDrops);
        return (registry, server);
    }

    [Fact]
    public async Task Scrape_ParkedThenRoutedResponse_CountsEveryStep()
    {
        var capture = new FakeCaptureSource();
        var (registry, server) = NewInterceptRegistry(capture, kernelDrops: 4);
        await using var _ = server;
        server.Start();
        var sink = new RecordingSink();
        await using var client = new InterceptClient(server.LocalEndPoint, sink, NullLogger<InterceptClient>.Instance, new InterceptClientOptions { InstanceId = 7 });
        client.Start();
        await TestPackets.WaitUntil(() => client.IsConnected && server.Peers == 1, "the Hello handshake");

        capture.Inject(TestPackets.Tcp(Target, 80, Client, 40000, TcpFlags.Syn | TcpFlags.Ack), 1_000);
        await TestPackets.WaitUntil(() => server.Parked == 1, "the SYN-ACK to be parked");
        Assert.True(client.TryRegister(TestPackets.Key(Client, 40000, Target, 80)));
        await TestPackets.WaitUntil(() => sink.Records.Count == 1, "the parked SYN-ACK to be delivered");
        capture.Inject(TestPackets.Tcp(Target, 80, Client, 40000, TcpFlags.Ack), 2_000);
        capture.Inject(TestPackets.Tcp(Target, 80, "198.18.1.6", 40001, TcpFlags.Ack), 3_000);
        await TestPackets.WaitUntil(() => sink.Records.Count == 2 && server.Unroutable == 1, "the routed and the unroutable response");

        var text = await MetricsText.ScrapeAsync(registry);

        Assert.Equal(3, MetricsText.Value(text, "tcpshadow_intercept_responses_captured_total"));
        Assert.Equal(1, MetricsText.Value(text, "tcpshadow_intercept_responses_parked_total"));
        Assert.Equal(1, MetricsText.Value(text, "tcpshadow_intercept_responses_parked_delivered_total"));
        Assert.Equal(server.Routed, MetricsText.Value(text, "tcpshadow_intercept_responses_routed_total"));
        Assert.Equal(1, MetricsText.Value(text, "tcpshadow_intercept_responses_unroutable_total"));
        Assert.Equal(1, MetricsText.Value(text, "tcpshadow_intercept_registrations_total"));
        Assert.Equal(1, MetricsText.Value(text, "tcpshadow_intercept_replicators_connected"));
        Assert.Equal(1, MetricsText.Value(text, "tcpshadow_intercept_routes"));
        Assert.Equal(0, MetricsText.Value(text, "tcpshadow_intercept_peer_queue_drops_total"));
        Assert.Equal(0, MetricsText.Value(text, "tcpshadow_intercept_malformed_frames_total"));
        Assert.Equal(4, MetricsText.Value(text, "tcpshadow_intercept_kernel_capture_drops_total"));
        Assert.Equal(0, MetricsText.Value(text, "tcpshadow_intercept_packet_drops_total{reason=\"NotTcp\"}"));
        Assert.Single(text.Split('\n'), l => l.StartsWith("tcpshadow_intercept_replicator_queue_drops_total{replicator=\"127.0.0.1:", StringComparison.Ordinal) && l.EndsWith(" 0", StringComparison.Ordinal));

        await client.DisposeAsync();
        await TestPackets.WaitUntil(() => server.Peers == 0, "the replicator to disconnect");
        text = await MetricsText.ScrapeAsync(registry);
        Assert.DoesNotContain("tcpshadow_intercept_replicator_queue_drops_total{", text, StringComparison.Ordinal);
        Assert.Equal(0, MetricsText.Value(text, "tcpshadow_intercept_replicators_connected"));
    }

    [Fact]
    public async Task Scrape_NonTcpPacket_CountedAsDropWithReason()
    {
        var capture = new FakeCaptureSource();
        var (registry, server) = NewInterceptRegistry(capture);
        await using var _ = server;
        server.Start();
        var udp = TestPackets.Tcp(Target, 80, Client, 40000, TcpFlags.Ack);
        udp[9] = 17;
        capture.Inject(udp, 1_000);
        await TestPackets.WaitUntil(() => server.ParseDrops == 1, "the UDP packet to be dropped");

        var text = await MetricsText.ScrapeAsync(registry);

        Assert.Equal(1, MetricsText.Value(text, "tcpshadow_intercept_packet_drops_total{reason=\"NotTcp\"}"));
    }
}
