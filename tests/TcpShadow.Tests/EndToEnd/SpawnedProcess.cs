using System.Diagnostics;
using TcpShadow.Tests.Support;

namespace TcpShadow.Tests.EndToEnd;

/// <summary>
/// A long-running process started inside a namespace, its output appended to a log file. Its
/// PID is also recorded as "PID STARTTIME" in RUN_DIR/pids/NAME.pid, the format of
/// scripts/lib/procs.sh, so `topology.sh down` stops it even if the test host dies first.
/// Stopping signals that PID only.
/// </summary>
public sealed class SpawnedProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly string _pidFile;

    private SpawnedProcess(string name, Process process, string logPath, string pidFile)
    {
        Name = name;
        _process = process;
        LogPath = logPath;
        _pidFile = pidFile;
    }

    public string Name { get; }

    public string LogPath { get; }

    public int Pid => _process.Id;

    public bool HasExited => _process.HasExited;

    /// <summary>"running", or "exited N".</summary>
    public string State => _process.HasExited ? $"exited {_process.ExitCode}" : "running";

    public static SpawnedProcess Start(string name, string netns, IReadOnlyList<string> argv, string runDir)
    {
        var logPath = Path.Combine(runDir, "logs", name + ".log");
        Directory.CreateDirectory(Path.GetDirectoryName(logPath)!);
        File.AppendAllText(logPath, $"=== {DateTime.UtcNow:O} {netns}: {string.Join(' ', argv.Select(Shell.Quote))}\n");

        // bash redirects, then execs ip, which execs the command: the PID we hold is the command's.
        var command = $"exec ip netns exec {Shell.Quote(netns)} {string.Join(' ', argv.Select(Shell.Quote))} </dev/null >>{Shell.Quote(logPath)} 2>&1";
        var psi = new ProcessStartInfo("bash") { UseShellExecute = false };
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add(command);
        var process = Process.Start(psi) ?? throw new InvalidOperationException($"could not start {name}");

        var pidFile = Path.Combine(runDir, "pids", name + ".pid");
        Directory.CreateDirectory(Path.GetDirectoryName(pidFile)!);
        File.WriteAllText(pidFile, $"{process.Id} {StartTime(process.Id)}\n");
        return new SpawnedProcess(name, process, logPath, pidFile);
    }

    /// <summary>CPU time (utime + stime) so far, from /proc/PID/stat.</summary>
    public TimeSpan CpuTime
    {
        get
        {
            var fields = StatFields(Pid);
            if (fields is null)
            {
                return TimeSpan.Zero;
            }

            // Fields after "(comm)": [0] is state (field 3), so field N is [N - 3]. Ticks are 1/100 s on Linux.
            var ticks = long.Parse(fields[14 - 3], System.Globalization.CultureInfo.InvariantCulture)
                + long.Parse(fields[15 - 3], System.Globalization.CultureInfo.InvariantCulture);
            return TimeSpan.FromMilliseconds(ticks * 10);
        }
    }

    public string LogTail(int lines = 20)
    {
        try
        {
            var all = File.ReadAllLines(LogPath);
            return string.Join('\n', all.Skip(Math.Max(0, all.Length - lines)));
        }
        catch (IOException ex)
        {
            return $"(cannot read {LogPath}: {ex.Message})";
        }
    }

    /// <summary>SIGINT (the binaries print final stats on it), then SIGKILL after <paramref name="grace"/>.</summary>
    public async Task StopAsync(TimeSpan grace)
    {
        if (!_process.HasExited)
        {
            _ = LibC.Kill(_process.Id, LibC.SigInt);
            using var cts = new CancellationTokenSource(grace);
            try
            {
                await _process.WaitForExitAsync(cts.Token);
            }
            catch (OperationCanceledException)
            {
                _process.Kill();
                await _process.WaitForExitAsync(CancellationToken.None);
            }
        }

        File.Delete(_pidFile);
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync(TimeSpan.FromSeconds(5));
        _process.Dispose();
    }

    internal static string StartTime(int pid) => StatFields(pid)?[22 - 3] ?? "";

    private static string[]? StatFields(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        }
        catch (IOException)
        {
            return null;
        }
    }
}
