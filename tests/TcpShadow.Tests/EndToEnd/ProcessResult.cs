namespace TcpShadow.Tests.EndToEnd;

public sealed record ProcessResult(string CommandLine, int ExitCode, string StdOut, string StdErr)
{
    public ProcessResult EnsureSuccess()
    {
        if (ExitCode != 0)
        {
            throw new InvalidOperationException($"'{CommandLine}' exited {ExitCode}\nstdout:\n{StdOut}\nstderr:\n{StdErr}");
        }

        return this;
    }

    public override string ToString() => $"$ {CommandLine} (exit {ExitCode})\n{StdOut}{StdErr}";
}
