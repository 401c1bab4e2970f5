using System.Net;
using System.Net.Sockets;
using Prometheus;
using TcpShadow.DataPlane.Cli;

namespace TcpShadow.DataPlane.Metrics;

/// <summary>
/// The <c>--metrics-listen ADDR:PORT</c> scrape endpoint shared by both binaries: prometheus-net's HttpListener-based
/// <see cref="MetricServer"/> serving <c>/metrics</c>. Off unless the flag is given.
/// </summary>
public static class MetricsEndpoint
{
    public const string Flag = "--metrics-listen";

    /// <summary>Parses ADDR:PORT (IPv6 in brackets); returns null on success or the message that says the fix.</summary>
    public static string? TryParse(string text, out IPEndPoint? endpoint)
    {
        endpoint = null;
        if (!AddressSyntax.TryParseEndpoint(text, null, out var address, out var port))
        {
            return $"{Flag}: '{text}' is not ADDR:PORT. Example: {Flag} 127.0.0.1:9464, or {Flag} 0.0.0.0:9464 for every address.";
        }
        endpoint = AddressSyntax.ToEndPoint(address, port);
        return null;
    }

    /// <summary>Starts serving <paramref name="registry"/> on <paramref name="endpoint"/>; a bind failure throws an <see cref="ArgumentException"/> that says the fix (a usage error, exit 2).</summary>
    public static IMetricServer Start(IPEndPoint endpoint, CollectorRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        var address = endpoint.Address;
        // HttpListener spells "every address" as '+'; a specific IPv6 address needs brackets.
        var host = address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any) ? "+"
            : address.AddressFamily == AddressFamily.InterNetworkV6 ? $"[{address}]"
            : address.ToString();
        var server = new MetricServer(host, endpoint.Port, "metrics/", registry);
        try
        {
            return server.Start();
        }
        catch (HttpListenerException ex)
        {
            server.Dispose();
            throw new ArgumentException($"{Flag} {endpoint}: cannot listen ({ex.Message}). Choose a free port and an address of this host.", ex);
        }
    }
}
