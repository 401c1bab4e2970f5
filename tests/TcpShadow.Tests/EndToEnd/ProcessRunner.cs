using System.Diagnostics;

namespace TcpShadow.Tests.EndToEnd;

/// <summary>Runs a command to completion, bounded by a timeout; on timeout it kills that process (by PID) only.</summary>
public static class ProcessRunner
{
    public static async Task<ProcessResult> RunAsync(
        IReadOnlyList<string> argv,
        TimeSpan timeout,
        IReadOnlyDictionary<string, string>? environment = null,
        CancellationToken cancellationToken = default)
    {
        var psi = new ProcessStartInfo(argv[0])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var a in argv.Skip(1))
        {
            psi.ArgumentList.Add(a);
        }

        foreach (var (k, v) in environment ?? new Dictionary<string, string>())
        {
            psi.Environment[k] = v;
        }

        var commandLine = string.Join(' ', argv.Select(Shell.Quote));
        using var process = Process.Start(psi) ?? throw new InvalidOperationException($"could not start {commandLine}");
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
        var stderr = process.StandardError.ReadToEndAsync(CancellationToken.None);
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cts.CancelAfter(timeout);
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill();
            await process.WaitForExitAsync(CancellationToken.None);
            throw new TimeoutException(
                $"'{commandLine}' ran past {timeout.TotalSeconds:F0}s and was killed\nstdout:\n{await stdout}\nstderr:\n{await stderr}");
        }

        return new ProcessResult(commandLine, process.ExitCode, await stdout, await stderr);
    }
}
