using System.Net;

namespace TcpShadow.LoadGen;

internal sealed record OpenLoopOptions(
    IPEndPoint Target,
    IPAddress[] Bind,
    int Rate,
    int DurationSeconds,
    string Prefix,
    int MaxInFlight,
    int TimeoutMs)
{
    public static OpenLoopOptions Parse(ArgReader a)
    {
        var prefix = a.String("prefix", "o");
        if (prefix.Length is 0 or > 32 || !prefix.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))
        {
            throw new UsageException($"--prefix {prefix}: use 1-32 of [A-Za-z0-9_-]");
        }

        var target = a.EndPoint("target");
        return new OpenLoopOptions(
            target,
            a.AddressRange("bind", target.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? "0.0.0.0" : "::"),
            (int)a.Long("rate", 1, 20_000),
            (int)a.Long("duration", 1, 120),
            prefix,
            (int)a.Long("max-inflight", 1, 16_384, 4_096),
            (int)a.Long("timeout-ms", 100, 30_000, 5_000));
    }
}
