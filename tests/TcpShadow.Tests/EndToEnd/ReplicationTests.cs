using TcpShadow.Tests.Support;

namespace TcpShadow.Tests.EndToEnd;

/// <summary>
/// tcpshadow copies every request that reaches the online nginx to the target nginx: real
/// kernel TCP stacks on both ends, responses fed back through tcpshadow-intercept on assist.
/// Each case counts request ids in both access logs and allows no loss.
/// </summary>
[Collection(EndToEndCollection.Name)]
[Trait("Category", "EndToEnd")]
public sealed class ReplicationTests(ReplicationTopology topology, ITestOutputHelper output) : IClassFixture<ReplicationTopology>
{
    private static readonly int s_duration = Workload.DefaultDurationSeconds;

    [Fact(Timeout = 180_000)]
    public async Task Replicate_KeepAlive32ConnectionsClosedLoop_LosesNoRequest()
    {
        Skip.UnlessRoot();
        var result = await RunAsync("ka", new Workload(WorkloadKind.KeepAlive, s_duration, Connections: 32), []);

        Assert.True(result.Online.Count >= 1_000 * s_duration, $"too little load reached online\n{result.Describe()}");
        Assert.True(result.Online.MaxRequestsPerConnection > 1, "keep-alive load should reuse connections");
        Assert.True(result.Lost.Count == 0, result.Describe());
    }

    [Fact(Timeout = 180_000)]
    public async Task Replicate_NewConnectionPerRequestClosedLoop_LosesNoRequest()
    {
        Skip.UnlessRoot();
        var result = await RunAsync("nc", new Workload(WorkloadKind.NewConnectionPerRequest, s_duration, Connections: 32), []);

        Assert.True(result.Online.Count >= 500 * s_duration, $"too little load reached online\n{result.Describe()}");
        Assert.Equal(1, result.Online.MaxRequestsPerConnection);
        Assert.True(result.Lost.Count == 0, result.Describe());
    }

    [Fact(Timeout = 180_000)]
    public async Task Replicate_5000NewConnectionsPerSecondOpenLoop_LosesNoRequest()
    {
        Skip.UnlessRoot();
        const int rate = 5_000;
        var result = await RunAsync("ol", new Workload(WorkloadKind.OpenLoop, s_duration, Rate: rate), []);

        // The open loop skips starts it cannot make; 80% of the schedule must still reach online.
        Assert.True(result.Online.Count >= rate * s_duration * 8 / 10, $"the open loop fell behind its schedule\n{result.Describe()}");
        Assert.True(result.Lost.Count == 0, result.Describe());
    }

    [Fact(Timeout = 180_000)]
    public async Task Replicate_ClientRewriteRange_TargetSeesRewrittenAddresses()
    {
        Skip.UnlessRoot();
        var duration = Math.Min(s_duration, 5);
        var result = await RunAsync("cr", new Workload(WorkloadKind.KeepAlive, duration, Connections: 32), ["-c", TestNetwork.RewriteNet]);

        Assert.True(result.Online.Count >= 1_000 * duration, $"too little load reached online\n{result.Describe()}");
        Assert.NotEmpty(result.Target.RemoteAddresses);
        Assert.All(result.Target.RemoteAddresses.Keys, a => Assert.StartsWith(TestNetwork.RewritePrefix, a, StringComparison.Ordinal));
        Assert.True(result.Lost.Count == 0, result.Describe());
    }

    private Task<ReplicationResult> RunAsync(string name, Workload workload, string[] extraArgs)
    {
        Assert.True(topology.IsUp, "the topology fixture did not come up");
        // A fresh prefix per run: the logs are shared by the class and kept for inspection.
        var prefix = $"{name}{DateTime.UtcNow:HHmmss}";
        return ReplicationRun.RunAsync(topology, prefix, workload, extraArgs, output, TestContext.Current.CancellationToken);
    }
}
