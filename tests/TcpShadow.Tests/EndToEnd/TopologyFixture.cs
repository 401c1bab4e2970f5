using TcpShadow.Tests.Support;

namespace TcpShadow.Tests.EndToEnd;

/// <summary>
/// One copy of the namespace topology (scripts/topology.sh) with nginx on online and target,
/// shared by the tests of one class. Each derived fixture has its own TSH_TOPO, so their
/// namespaces and run directories never collide. Does nothing when not root (the tests skip).
/// Dispose stops every process it started (by PID) and deletes exactly its namespaces.
/// </summary>
public abstract class TopologyFixture : IAsyncLifetime
{
    private readonly List<SpawnedProcess> _spawned = [];

    protected TopologyFixture(string topo)
    {
        Topo = topo;
        RunDir = Path.Combine(Path.GetTempPath(), "tsh-" + topo);
        Environment = new Dictionary<string, string>
        {
            ["TSH_TOPO"] = topo,
            ["TSH_RUN_DIR"] = RunDir,
            ["TSH_CONFIG"] = RepoPaths.Configuration,
        };
    }

    public string Topo { get; }

    public string RunDir { get; }

    public IReadOnlyDictionary<string, string> Environment { get; }

    public bool IsUp { get; private set; }

    public string OnlineAccessLog => Path.Combine(RunDir, "nginx-online", "access.log");

    public string TargetAccessLog => Path.Combine(RunDir, "nginx-target", "access.log");

    public string Namespace(string role) => $"tsh-{Topo}-{role}";

    public async ValueTask InitializeAsync()
    {
        if (!Skip.IsRoot)
        {
            return;
        }

        (await ScriptAsync("topology.sh", ["up", "--nginx"], TimeSpan.FromSeconds(60))).EnsureSuccess();
        IsUp = true;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var p in _spawned)
        {
            await p.DisposeAsync();
        }

        _spawned.Clear();
        if (IsUp)
        {
            await ScriptAsync("topology.sh", ["down"], TimeSpan.FromSeconds(60));
            IsUp = false;
        }

        GC.SuppressFinalize(this);
    }

    public Task<ProcessResult> ScriptAsync(string script, IReadOnlyList<string> args, TimeSpan timeout, CancellationToken cancellationToken = default) =>
        ProcessRunner.RunAsync([RepoPaths.Script(script), .. args], timeout, Environment, cancellationToken);

    /// <summary>Runs a command to completion inside the namespace of <paramref name="role"/>.</summary>
    public Task<ProcessResult> ExecAsync(string role, IReadOnlyList<string> argv, TimeSpan timeout, CancellationToken cancellationToken = default) =>
        ProcessRunner.RunAsync(["ip", "netns", "exec", Namespace(role), .. argv], timeout, Environment, cancellationToken);

    /// <summary>Starts a long-running process inside <paramref name="role"/>'s namespace; Dispose stops it if the test does not.</summary>
    public SpawnedProcess Spawn(string name, string role, IReadOnlyList<string> argv)
    {
        var p = SpawnedProcess.Start(name, Namespace(role), argv, RunDir);
        _spawned.Add(p);
        return p;
    }

    public async Task StopAsync(SpawnedProcess process)
    {
        await process.StopAsync(TimeSpan.FromSeconds(5));
        _spawned.Remove(process);
        await process.DisposeAsync();
    }

    /// <summary>Polls until a TCP socket matching the ss(8) filter exists in the namespace.</summary>
    public async Task<bool> WaitForSocketAsync(string role, string ssState, string ssFilter, TimeSpan timeout, Func<bool>? giveUp = null, CancellationToken cancellationToken = default)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            var r = await ExecAsync(role, ["ss", "-Htn", "state", ssState, ssFilter], TimeSpan.FromSeconds(5), cancellationToken);
            if (r.ExitCode == 0 && r.StdOut.Trim().Length > 0)
            {
                return true;
            }

            if (giveUp?.Invoke() == true)
            {
                return false;
            }

            await Task.Delay(100, cancellationToken);
        }

        return false;
    }
}
