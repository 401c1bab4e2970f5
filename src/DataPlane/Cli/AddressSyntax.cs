using System.Globalization;
using System.Net;
using TcpShadow.DataPlane.Packets;

namespace TcpShadow.DataPlane.Cli;

/// <summary>Parses the address forms the flags accept: endpoints, -x maps and -c pools.</summary>
public static class AddressSyntax
{
    /// <summary>Splits "host:port" or "[v6]:port"; the port is optional when <paramref name="defaultPort"/> is given.</summary>
    public static bool TryParseEndpoint(string text, int? defaultPort, out FlowAddress address, out int port)
    {
        address = default;
        port = defaultPort ?? -1;
        string host;
        string? portText = null;
        if (text.StartsWith('['))
        {
            var close = text.IndexOf(']', StringComparison.Ordinal);
            if (close < 0)
            {
                return false;
            }
            host = text[1..close];
            if (close + 1 < text.Length)
            {
                if (text[close + 1] != ':')
                {
                    return false;
                }
                portText = text[(close + 2)..];
            }
        }
        else
        {
            var colon = text.LastIndexOf(':');
            if (colon >= 0 && text.IndexOf(':', StringComparison.Ordinal) == colon)
            {
                host = text[..colon];
                portText = text[(colon + 1)..];
            }
            else
            {
                host = text;
            }
        }
        if (!FlowAddress.TryParse(host, out address))
        {
            return false;
        }
        if (portText is not null)
        {
            if (!TryParsePort(portText, out port))
            {
                return false;
            }
        }
        return port >= 0;
    }

    public static bool TryParsePort(string text, out int port) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out port) && port is > 0 and <= 65535;

    /// <summary>
    /// Parses one -x map: <c>PORT-TARGET:PORT</c> or <c>ONLINE:PORT-TARGET:PORT</c> (IPv6 in brackets). The dash that
    /// separates the sides is the one followed by the target endpoint.
    /// </summary>
    public static string? TryParseRoute(string text, out Sessions.TargetRoute route)
    {
        route = default;
        var dash = text.IndexOf('-', StringComparison.Ordinal);
        if (dash <= 0 || dash == text.Length - 1)
        {
            return "expected [ONLINE_IP:]PORT-TARGET_IP:PORT";
        }
        var left = text[..dash];
        var right = text[(dash + 1)..];
        FlowAddress? online = null;
        int onlinePort;
        if (TryParsePort(left, out var bare))
        {
            onlinePort = bare;
        }
        else if (TryParseEndpoint(left, null, out var onlineAddress, out onlinePort))
        {
            online = onlineAddress;
        }
        else
        {
            return $"'{left}' is not a port or ONLINE_IP:PORT";
        }
        if (!TryParseEndpoint(right, null, out var target, out var targetPort))
        {
            return $"'{right}' is not TARGET_IP:PORT";
        }
        route = new Sessions.TargetRoute(online, (ushort)onlinePort, target, (ushort)targetPort);
        return null;
    }

    /// <summary>
    /// Parses a -c pool: a CIDR (every host address in it), a range <c>A-B</c>, TCPCopy's <c>a.b.c.x</c> (1–254), or a
    /// comma-separated list of any of these.
    /// </summary>
    public static string? TryParsePool(string text, List<FlowAddress> into)
    {
        foreach (var raw in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (raw.EndsWith(".x", StringComparison.OrdinalIgnoreCase))
            {
                if (!FlowAddress.TryParse(raw[..^2] + ".0", out var net) || !net.IsIPv4)
                {
                    return $"'{raw}' is not a.b.c.x";
                }
                for (uint i = 1; i <= 254; i++)
                {
                    into.Add(net.AddV4(i));
                }
                continue;
            }
            var slash = raw.IndexOf('/', StringComparison.Ordinal);
            if (slash > 0)
            {
                if (!FlowAddress.TryParse(raw[..slash], out var net) || !net.IsIPv4
                    || !int.TryParse(raw[(slash + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var bits) || bits is < 16 or > 32)
                {
                    return $"'{raw}' is not an IPv4 CIDR with a prefix of /16 to /32";
                }
                var size = 1u << (32 - bits);
                var first = net.V4 & ~(size - 1);
                if (size <= 2)
                {
                    for (uint i = 0; i < size; i++)
                    {
                        into.Add(FlowAddress.FromV4(first + i));
                    }
                }
                else
                {
                    // Skip the network and broadcast addresses.
                    for (uint i = 1; i < size - 1; i++)
                    {
                        into.Add(FlowAddress.FromV4(first + i));
                    }
                }
                continue;
            }
            var dash = raw.IndexOf('-', StringComparison.Ordinal);
            if (dash > 0)
            {
                if (!FlowAddress.TryParse(raw[..dash], out var from) || !FlowAddress.TryParse(raw[(dash + 1)..], out var to)
                    || !from.IsIPv4 || !to.IsIPv4 || to.V4 < from.V4 || to.V4 - from.V4 > 65535)
                {
                    return $"'{raw}' is not an IPv4 range FIRST-LAST of at most 65536 addresses";
                }
                for (var a = from.V4; a <= to.V4; a++)
                {
                    into.Add(FlowAddress.FromV4(a));
                }
                continue;
            }
            if (!FlowAddress.TryParse(raw, out var single))
            {
                return $"'{raw}' is not an address";
            }
            into.Add(single);
        }
        return into.Count == 0 ? "the list is empty" : null;
    }

    public static IPEndPoint ToEndPoint(FlowAddress address, int port) => new(address.ToIPAddress(), port);
}
