using System.Diagnostics;
using TcpShadow.Tests.Support;

namespace TcpShadow.Tests.EndToEnd;

/// <summary>
/// A capture recorded on the online host during real load, replayed later with <c>tcpshadow -i FILE</c> through the
/// same engine to the target (intercept on assist): every recorded request reaches the target, and <c>-a</c> speeds it up.
/// </summary>
[Collection(EndToEndCollection.Name)]
[Trait("Category", "EndToEnd")]
public sealed class OfflineReplayTests(OfflineReplayTopology topology, ITestOutputHelper output) : IClassFixture<OfflineReplayTopology>
{
    private const int RecordSeconds = 4;

    [Fact(Timeout = 180_000)]
    public async Task Replay_RecordedPcapFourTimesFaster_EveryRequestReachesTarget()
    {
        Skip.UnlessRoot();
        Assert.True(topology.IsUp, "the topology fixture did not come up");
        var token = TestContext.Current.CancellationToken;
        var prefix = $"off{DateTime.UtcNow:HHmmss}";
        var capture = Path.Combine(topology.RunDir, $"{prefix}.pcap");

        // Record what the online host receives (tcpdump writes SLL2 on 'any'); -U flushes each packet.
        var tcpdump = topology.Spawn($"tcpdump-{prefix}", "online",
            ["tcpdump", "-i", "any", "-Q", "in", "-U", "-n", "-w", capture, $"tcp and dst host {TestNetwork.OnlineIp} and dst port {TestNetwork.HttpPort}"]);
        await Task.Delay(TimeSpan.FromSeconds(1.5), token);
        // An open loop of new connections: the replay's pace is the capture's timing, not the target's round trip
        // (a closed keep-alive loop would be paced by the request gate, whatever -a says).
        var load = await topology.ScriptAsync("load.sh", ["open", prefix, RecordSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture), "300"], TimeSpan.FromSeconds(60), token);
        output.WriteLine(load.ToString());
        load.EnsureSuccess();
        await Task.Delay(TimeSpan.FromSeconds(1), token);
        await topology.StopAsync(tcpdump);
        var online = await AccessLog.ReadSettledAsync(topology.OnlineAccessLog, prefix, TimeSpan.FromSeconds(1.2), TimeSpan.FromSeconds(5), token);
        Assert.True(online.Count >= 300 * RecordSeconds * 8 / 10, $"too little load was recorded: {online.Count} requests");
        Assert.Equal(0, AccessLog.Read(topology.TargetAccessLog, prefix).Count);

        var intercept = topology.Spawn($"intercept-{prefix}", "assist",
            [.. RepoPaths.Intercept, "-i", TestNetwork.AssistInterface, "-F", "tcp and src port 80"]);
        Assert.True(await topology.WaitForSocketAsync("assist", "listening", $"sport = :{TestNetwork.InterceptPort}", TimeSpan.FromSeconds(30), () => intercept.HasExited, token),
            $"tcpshadow-intercept did not listen\n{intercept.LogTail()}");

        var clock = Stopwatch.StartNew();
        var replay = topology.Spawn($"tcpshadow-{prefix}", "online",
        [
            .. RepoPaths.TcpShadow,
            "-i", capture, "-a", "4", "--exit-after-replay", "20",
            "-x", $"{TestNetwork.OnlineIp}:{TestNetwork.HttpPort}-{TestNetwork.TargetIp}:{TestNetwork.HttpPort}",
            "-s", TestNetwork.AssistIp,
        ]);
        // Wait for every recorded request, or for the count to stop growing for 3 s once the replay has begun (60 s cap).
        var target = AccessLog.Read(topology.TargetAccessLog, prefix);
        var elapsed = clock.Elapsed;
        var lastGrowth = clock.Elapsed;
        while (target.Count < online.Count && clock.Elapsed < TimeSpan.FromSeconds(60)
            && (target.Count == 0 || clock.Elapsed - lastGrowth < TimeSpan.FromSeconds(3)))
        {
            await Task.Delay(TimeSpan.FromMilliseconds(250), token);
            var next = AccessLog.Read(topology.TargetAccessLog, prefix);
            if (next.Count != target.Count)
            {
                lastGrowth = elapsed = clock.Elapsed;
            }
            target = next;
        }
        output.WriteLine($"recorded {online.Count} requests over {RecordSeconds}s; target has {target.Count} after {elapsed.TotalSeconds:F1}s of replay");
        output.WriteLine(replay.LogTail());
        await topology.StopAsync(replay);
        await topology.StopAsync(intercept);

        var lost = online.Ids.Except(target.Ids).Take(10).ToList();
        Assert.True(lost.Count == 0, $"{online.Count - target.Count} recorded requests never reached the target, e.g. {string.Join(' ', lost)}");
        // Four times faster: the 4 s recording replays in about 1 s; at its original pace it would take 4 s plus start-up.
        Assert.True(elapsed < TimeSpan.FromSeconds(RecordSeconds), $"replay took {elapsed.TotalSeconds:F1}s");
    }
}
