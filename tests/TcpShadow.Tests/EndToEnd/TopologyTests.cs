using System.Text.RegularExpressions;
using TcpShadow.Tests.Support;

namespace TcpShadow.Tests.EndToEnd;

/// <summary>
/// The test network, nginx, the load generators and the loss counting, checked without the
/// TcpShadow binaries: if these fail, a replication failure means nothing.
/// </summary>
[Collection(EndToEndCollection.Name)]
[Trait("Category", "EndToEnd")]
public sealed partial class TopologyTests(SanityTopology topology, ITestOutputHelper output) : IClassFixture<SanityTopology>
{
    private static readonly TimeSpan s_flush = TimeSpan.FromSeconds(1.2);

    private CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact(Timeout = 60_000)]
    public async Task WrkKeepAlive_FromClient_ReachesOnlineOnly()
    {
        Skip.UnlessRoot();
        var prefix = Prefix("ka");
        var load = await topology.ScriptAsync("load.sh", ["keepalive", prefix, "2", "8"], TimeSpan.FromSeconds(30), Token);
        output.WriteLine(load.ToString());
        load.EnsureSuccess();

        var online = await AccessLog.ReadSettledAsync(topology.OnlineAccessLog, prefix, s_flush, TimeSpan.FromSeconds(5), Token);
        var target = AccessLog.Read(topology.TargetAccessLog, prefix);
        var completed = long.Parse(WrkRequests().Match(load.StdOut).Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        output.WriteLine($"wrk completed {completed}, online logged {online.Count} unique ids, target {target.Count}");

        Assert.True(completed >= 1_000, "wrk made too few requests");
        // Every completed request has a unique id; requests in flight at the end may add a few.
        Assert.InRange(online.Count, completed, completed + 64);
        Assert.True(online.MaxRequestsPerConnection > 1, "keep-alive connections should carry many requests");
        Assert.Equal([TestNetwork.ClientIp], online.RemoteAddresses.Keys);
        Assert.Equal(0, target.Count);
    }

    [Fact(Timeout = 60_000)]
    public async Task WrkConnectionClose_FromClient_UsesOneConnectionPerRequest()
    {
        Skip.UnlessRoot();
        var prefix = Prefix("nc");
        var load = await topology.ScriptAsync("load.sh", ["close", prefix, "2", "8"], TimeSpan.FromSeconds(30), Token);
        output.WriteLine(load.ToString());
        load.EnsureSuccess();

        var online = await AccessLog.ReadSettledAsync(topology.OnlineAccessLog, prefix, s_flush, TimeSpan.FromSeconds(5), Token);
        output.WriteLine($"online logged {online.Count} unique ids");
        Assert.True(online.Count >= 500, "too few requests");
        Assert.Equal(1, online.MaxRequestsPerConnection);
    }

    [Fact(Timeout = 60_000)]
    public async Task LoadGenOpenLoop_5000PerSecond_KeepsScheduleAndSpreadsSourceAddresses()
    {
        Skip.UnlessRoot();
        var prefix = Prefix("ol");
        var load = await topology.ScriptAsync("load.sh", ["open", prefix, "3", "5000"], TimeSpan.FromSeconds(40), Token);
        output.WriteLine(load.ToString());
        load.EnsureSuccess();

        var counters = LoadGenCounters(load.StdOut);
        var online = await AccessLog.ReadSettledAsync(topology.OnlineAccessLog, prefix, s_flush, TimeSpan.FromSeconds(5), Token);
        output.WriteLine($"online logged {online.Count}; addresses {string.Join(", ", online.RemoteAddresses.Keys.Order())}");

        Assert.Equal(15_000, counters["sent"] + counters["skipped"]);
        Assert.True(counters["ok"] >= 15_000 * 95 / 100, "the open loop fell behind");
        // A request nginx logged may still have timed out or failed at the client.
        Assert.InRange(online.Count, counters["ok"], counters["ok"] + counters["timeouts"] + counters["failed"]);
        Assert.Equal(8, online.RemoteAddresses.Count);
        Assert.Equal(1, online.MaxRequestsPerConnection);
    }

    [Fact(Timeout = 60_000)]
    public async Task OnlineToTarget_Reachable_AndLostIsOnlineMinusTarget()
    {
        Skip.UnlessRoot();
        var prefix = Prefix("lc");
        // 200 ids (0..199) reach online from client, 100 of the same ids (0..99) reach target from online.
        var toOnline = await topology.ExecAsync("client",
            [.. RepoPaths.LoadGen, "open", "--target", $"{TestNetwork.OnlineIp}:80", "--rate", "200", "--duration", "1", "--prefix", prefix],
            TimeSpan.FromSeconds(30), Token);
        var toTarget = await topology.ExecAsync("online",
            [.. RepoPaths.LoadGen, "open", "--target", $"{TestNetwork.TargetIp}:80", "--bind", TestNetwork.OnlineSwitchIp,
             "--rate", "100", "--duration", "1", "--prefix", prefix],
            TimeSpan.FromSeconds(30), Token);
        output.WriteLine(toOnline.ToString());
        output.WriteLine(toTarget.ToString());
        Assert.Equal(200, LoadGenCounters(toOnline.EnsureSuccess().StdOut)["ok"]);
        Assert.Equal(100, LoadGenCounters(toTarget.EnsureSuccess().StdOut)["ok"]);

        var online = await AccessLog.ReadSettledAsync(topology.OnlineAccessLog, prefix, s_flush, TimeSpan.FromSeconds(5), Token);
        var target = await AccessLog.ReadSettledAsync(topology.TargetAccessLog, prefix, s_flush, TimeSpan.FromSeconds(5), Token);
        var lost = online.Ids.Except(target.Ids).ToList();
        Assert.Equal(200, online.Count);
        Assert.Equal(100, target.Count);
        Assert.Equal([TestNetwork.OnlineSwitchIp], target.RemoteAddresses.Keys);
        Assert.Equal(100, lost.Count);
        Assert.All(lost, id => Assert.True(int.Parse(id[(prefix.Length + 1)..], System.Globalization.CultureInfo.InvariantCulture) >= 100, id));

        // The scripts' counting agrees.
        var count = await topology.ScriptAsync("load.sh", ["count", prefix, "3"], TimeSpan.FromSeconds(30), Token);
        output.WriteLine(count.ToString());
        Assert.Equal("online=200 target=100 lost=100", count.EnsureSuccess().StdOut.Trim());
    }

    [Fact(Timeout = 60_000)]
    public async Task SpoofedSynFromOnline_TargetAnswers_SynAckIsRoutedToAssistNotOnline()
    {
        Skip.UnlessRoot();
        var port = Random.Shared.Next(40_000, 50_000);
        var filter = $"tcp and src host {TestNetwork.TargetIp} and dst host {TestNetwork.ClientIp} and dst port {port}";
        var assistPcap = Path.Combine(topology.RunDir, $"synack-assist-{port}.pcap");
        var onlinePcap = Path.Combine(topology.RunDir, $"synack-online-{port}.pcap");
        var onAssist = topology.Spawn($"tcpdump-assist-{port}", "assist",
            ["timeout", "10", "tcpdump", "-i", TestNetwork.AssistInterface, "-n", "-U", "-c", "1", "-w", assistPcap, filter]);
        var onOnline = topology.Spawn($"tcpdump-online-{port}", "online",
            ["timeout", "10", "tcpdump", "-i", TestNetwork.OnlineSwitchInterface, "-n", "-U", "-w", onlinePcap, filter]);
        await WaitForLogAsync(onAssist, "listening on");
        await WaitForLogAsync(onOnline, "listening on");

        var syn = await topology.ExecAsync("online",
            [.. RepoPaths.LoadGen, "syn", "--src", TestNetwork.ClientIp, "--sport", $"{port}", "--dst", $"{TestNetwork.TargetIp}:80"],
            TimeSpan.FromSeconds(30), Token);
        output.WriteLine(syn.EnsureSuccess().ToString());
        var seq = long.Parse(SynSeq().Match(syn.StdOut).Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);

        // assist's tcpdump stops after one packet; online's has one more second to see a stray.
        for (var i = 0; i < 50 && !onAssist.HasExited; i++)
        {
            await Task.Delay(100, Token);
        }

        await Task.Delay(TimeSpan.FromSeconds(1), Token);
        await topology.StopAsync(onAssist);
        await topology.StopAsync(onOnline);

        var atAssist = (await ProcessRunner.RunAsync(["tcpdump", "-r", assistPcap, "-n", "-vv", "-e"], TimeSpan.FromSeconds(10), cancellationToken: Token)).StdOut;
        var atOnline = (await ProcessRunner.RunAsync(["tcpdump", "-r", onlinePcap, "-n", "-vv", "-e"], TimeSpan.FromSeconds(10), cancellationToken: Token)).StdOut;
        output.WriteLine($"assist saw:\n{atAssist}\nonline saw:\n{atOnline}");

        Assert.Contains("Flags [S.]", atAssist, StringComparison.Ordinal);
        Assert.Contains($"ack {seq + 1}", atAssist, StringComparison.Ordinal);
        Assert.Contains($"{TestNetwork.TargetIp}.80 > {TestNetwork.ClientIp}.{port}", atAssist, StringComparison.Ordinal);
        Assert.True(atOnline.Trim().Length == 0, "the target's response must not reach online");
        if ((File.Exists("/usr/sbin/ethtool") || File.Exists("/sbin/ethtool"))
            && System.Environment.GetEnvironmentVariable("TSH_OFFLOADS") != "keep")
        {
            // With veth checksum offload off (topology default) a capture holds full checksums.
            Assert.Contains("(correct)", atAssist, StringComparison.Ordinal);
        }
    }

    [Fact(Timeout = 120_000)]
    public async Task UpTwiceThenDown_RemovesExactlyItsNamespacesAndProcesses()
    {
        Skip.UnlessRoot();
        var other = new UpDownTopology();
        (await other.ScriptAsync("topology.sh", ["up"], TimeSpan.FromSeconds(60), Token)).EnsureSuccess();
        // A second 'up' tears down the first copy and builds a fresh one.
        (await other.ScriptAsync("topology.sh", ["up"], TimeSpan.FromSeconds(60), Token)).EnsureSuccess();
        var sleeper = SpawnedProcess.Start("sleeper", other.Namespace("client"), ["sleep", "60"], other.RunDir);
        await using (sleeper)
        {
            var before = await ListNamespacesAsync();
            Assert.Equal(5, before.Count(n => n.StartsWith($"tsh-{other.Topo}-", StringComparison.Ordinal)));

            (await other.ScriptAsync("topology.sh", ["down"], TimeSpan.FromSeconds(60), Token)).EnsureSuccess();

            var after = await ListNamespacesAsync();
            Assert.DoesNotContain(after, n => n.StartsWith($"tsh-{other.Topo}-", StringComparison.Ordinal));
            Assert.Equal(5, after.Count(n => n.StartsWith($"tsh-{topology.Topo}-", StringComparison.Ordinal)));
            for (var i = 0; i < 50 && !sleeper.HasExited; i++)
            {
                await Task.Delay(100, Token);
            }

            Assert.True(sleeper.HasExited, "down must stop the processes recorded in its run dir");
        }
    }

    private static async Task<List<string>> ListNamespacesAsync()
    {
        var r = (await ProcessRunner.RunAsync(["ip", "netns", "list"], TimeSpan.FromSeconds(10), cancellationToken: TestContext.Current.CancellationToken)).EnsureSuccess();
        return r.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split(' ')[0]).ToList();
    }

    private static Dictionary<string, int> LoadGenCounters(string stdout) =>
        LoadGenPair().Matches(stdout).ToDictionary(m => m.Groups[1].Value, m => int.Parse(m.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture));

    private static async Task WaitForLogAsync(SpawnedProcess p, string text)
    {
        for (var i = 0; i < 100; i++)
        {
            if (File.ReadAllText(p.LogPath).Contains(text, StringComparison.Ordinal))
            {
                return;
            }

            if (p.HasExited)
            {
                break;
            }

            await Task.Delay(100);
        }

        throw new InvalidOperationException($"{p.Name} never logged '{text}':\n{p.LogTail()}");
    }

    private string Prefix(string name)
    {
        Assert.True(topology.IsUp, "the topology fixture did not come up");
        return $"{name}{DateTime.UtcNow:HHmmssfff}";
    }

    [GeneratedRegex(@"(\d+) requests in")]
    private static partial Regex WrkRequests();

    [GeneratedRegex(@"\bseq=(\d+)")]
    private static partial Regex SynSeq();

    [GeneratedRegex(@"\b([a-z_]+)=(\d+)\b")]
    private static partial Regex LoadGenPair();

    private sealed class UpDownTopology() : TopologyFixture("e2e-updown");
}
