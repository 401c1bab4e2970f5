namespace TcpShadow.Tests.EndToEnd;

/// <summary>
/// One replication experiment: tcpshadow-intercept on assist, tcpshadow on online, a bounded
/// workload from client, a drain, then the online and target access logs compared by id.
/// </summary>
public static class ReplicationRun
{
    /// <summary>How long after the load the target's count may still grow.</summary>
    public static readonly TimeSpan DrainMax = TimeSpan.FromSeconds(30);

    private static readonly TimeSpan s_startTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan s_logFlush = TimeSpan.FromSeconds(1.2);
    // nginx flushes its access log about once a second; three seconds without growth means the copy has stopped.
    private static readonly TimeSpan s_drainSettle = TimeSpan.FromSeconds(3);

    public static async Task<ReplicationResult> RunAsync(
        TopologyFixture topology,
        string prefix,
        Workload workload,
        IReadOnlyList<string> extraReplicatorArgs,
        ITestOutputHelper output,
        CancellationToken cancellationToken)
    {
        var intercept = topology.Spawn($"intercept-{prefix}", "assist",
            [.. RepoPaths.Intercept, "-i", TestNetwork.AssistInterface, "-F", "tcp and src port 80"]);
        output.WriteLine($"tcpshadow-intercept pid {intercept.Pid}, log {intercept.LogPath}");
        if (!await topology.WaitForSocketAsync("assist", "listening", $"sport = :{TestNetwork.InterceptPort}", s_startTimeout,
                () => intercept.HasExited, cancellationToken))
        {
            throw new InvalidOperationException(
                $"tcpshadow-intercept is not listening on :{TestNetwork.InterceptPort} ({intercept.State})\n{intercept.LogTail()}");
        }

        var replicator = topology.Spawn($"tcpshadow-{prefix}", "online",
        [
            .. RepoPaths.TcpShadow,
            "-x", $"{TestNetwork.OnlineIp}:{TestNetwork.HttpPort}-{TestNetwork.TargetIp}:{TestNetwork.HttpPort}",
            "-s", TestNetwork.AssistIp,
            .. extraReplicatorArgs,
        ]);
        output.WriteLine($"tcpshadow pid {replicator.Pid}, log {replicator.LogPath}");
        if (!await topology.WaitForSocketAsync("online", "established", $"dport = :{TestNetwork.InterceptPort}", s_startTimeout,
                () => replicator.HasExited, cancellationToken))
        {
            throw new InvalidOperationException(
                $"tcpshadow did not connect to intercept at {TestNetwork.AssistIp}:{TestNetwork.InterceptPort} ({replicator.State})\n{replicator.LogTail()}");
        }

        // Connected to intercept is the last visible step; give capture set-up a moment.
        await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
        var cpuReplicator = replicator.CpuTime;
        var cpuIntercept = intercept.CpuTime;

        var load = await topology.ScriptAsync("load.sh", workload.LoadArguments(prefix), workload.Timeout, cancellationToken);
        output.WriteLine(load.ToString());
        load.EnsureSuccess();

        // Online first (its log flushes within a second), then let the target catch up.
        var online = await AccessLog.ReadSettledAsync(topology.OnlineAccessLog, prefix, s_logFlush, TimeSpan.FromSeconds(5), cancellationToken);
        await Task.Delay(s_logFlush, cancellationToken);
        // The copy may trail production under a saturating load: wait while it still grows, until it has every request.
        var target = await AccessLog.ReadSettledAsync(topology.TargetAccessLog, prefix, s_drainSettle, DrainMax, cancellationToken, goal: online.Count);
        online = AccessLog.Read(topology.OnlineAccessLog, prefix);

        var replicatorCpu = replicator.CpuTime - cpuReplicator;
        var interceptCpu = intercept.CpuTime - cpuIntercept;
        var exitedEarly = (replicator.HasExited ? $"tcpshadow {replicator.State} during the run. " : "")
            + (intercept.HasExited ? $"tcpshadow-intercept {intercept.State} during the run." : "");
        await topology.StopAsync(replicator);
        await topology.StopAsync(intercept);

        var result = new ReplicationResult(prefix, workload, online, target, load, replicatorCpu, interceptCpu,
            replicator.LogPath, intercept.LogPath, replicator.LogTail(), intercept.LogTail());
        output.WriteLine(result.Describe());
        if (exitedEarly.Length > 0)
        {
            throw new InvalidOperationException(exitedEarly + "\n" + result.Describe());
        }

        return result;
    }
}
