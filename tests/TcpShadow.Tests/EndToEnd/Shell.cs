namespace TcpShadow.Tests.EndToEnd;

internal static class Shell
{
    /// <summary>POSIX single-quoting, for logs and for bash -c command lines.</summary>
    public static string Quote(string arg) =>
        arg.Length > 0 && arg.All(c => char.IsAsciiLetterOrDigit(c) || "-_./:=,+@%".Contains(c, StringComparison.Ordinal))
            ? arg
            : "'" + arg.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
}
