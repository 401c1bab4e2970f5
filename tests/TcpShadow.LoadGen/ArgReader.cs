using System.Globalization;
using System.Net;

namespace TcpShadow.LoadGen;

/// <summary>"--name value" pairs; every flag takes exactly one value.</summary>
internal sealed class ArgReader
{
    private readonly Dictionary<string, string> _values = new(StringComparer.Ordinal);

    public ArgReader(string[] args)
    {
        for (var i = 0; i < args.Length; i += 2)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal) || i + 1 >= args.Length)
            {
                throw new UsageException($"expected '--flag value', got '{args[i]}'");
            }

            _values[args[i][2..]] = args[i + 1];
        }
    }

    public string String(string name, string? fallback = null) =>
        _values.TryGetValue(name, out var v) ? v : fallback ?? throw new UsageException($"--{name} is required");

    public long Long(string name, long min, long max, long? fallback = null)
    {
        if (!_values.TryGetValue(name, out var text))
        {
            return fallback ?? throw new UsageException($"--{name} is required");
        }

        if (!long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var v) || v < min || v > max)
        {
            throw new UsageException($"--{name} {text}: expected an integer in {min}..{max}");
        }

        return v;
    }

    public IPAddress Address(string name)
    {
        var text = String(name);
        return IPAddress.TryParse(text, out var a) ? a : throw new UsageException($"--{name} {text}: not an IP address");
    }

    public IPEndPoint EndPoint(string name)
    {
        var text = String(name);
        return IPEndPoint.TryParse(text, out var ep) && ep.Port != 0
            ? ep
            : throw new UsageException($"--{name} {text}: expected IP:PORT");
    }

    /// <summary>"198.18.1.2" or an inclusive IPv4 range "198.18.1.2-198.18.1.9" (at most 256 addresses).</summary>
    public IPAddress[] AddressRange(string name, string fallback)
    {
        var text = String(name, fallback);
        var dash = text.IndexOf('-', StringComparison.Ordinal);
        if (dash < 0)
        {
            return [IPAddress.TryParse(text, out var one) ? one : throw new UsageException($"--{name} {text}: not an IP address")];
        }

        if (!IPAddress.TryParse(text.AsSpan(0, dash), out var first) || !IPAddress.TryParse(text.AsSpan(dash + 1), out var last)
            || first.AddressFamily != System.Net.Sockets.AddressFamily.InterNetwork
            || last.AddressFamily != System.Net.Sockets.AddressFamily.InterNetwork)
        {
            throw new UsageException($"--{name} {text}: expected IPv4 A-B");
        }

        var a = ToUInt32(first);
        var b = ToUInt32(last);
        if (b < a || b - a >= 256)
        {
            throw new UsageException($"--{name} {text}: range must be ascending and hold at most 256 addresses");
        }

        var result = new IPAddress[b - a + 1];
        for (var i = 0u; i < result.Length; i++)
        {
            var v = a + i;
            result[i] = new IPAddress([(byte)(v >> 24), (byte)(v >> 16), (byte)(v >> 8), (byte)v]);
        }

        return result;
    }

    private static uint ToUInt32(IPAddress a)
    {
        var b = a.GetAddressBytes();
        return (uint)(b[0] << 24 | b[1] << 16 | b[2] << 8 | b[3]);
    }
}
