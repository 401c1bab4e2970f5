using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;
using Prometheus;

namespace TcpShadow.Tests.Metrics;

/// <summary>Scrapes a registry in-process and reads samples out of the Prometheus text format.</summary>
internal static partial class MetricsText
{
    public static async Task<string> ScrapeAsync(CollectorRegistry registry)
    {
        using var stream = new MemoryStream();
        await registry.CollectAndExportAsTextAsync(stream, TestContext.Current.CancellationToken);
        return Encoding.UTF8.GetString(stream.ToArray());
    }

    /// <summary>The value of the sample written exactly as <paramref name="series"/> (name plus label set), or null.</summary>
    public static double? Value(string text, string series)
    {
        foreach (var line in text.Split('\n'))
        {
            if (line.StartsWith(series + " ", StringComparison.Ordinal))
            {
                return double.Parse(line.AsSpan(series.Length + 1), NumberStyles.Float, CultureInfo.InvariantCulture);
            }
        }
        return null;
    }

    /// <summary>Every metric name that has a sample in <paramref name="text"/>.</summary>
    public static HashSet<string> Names(string text)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var line in text.Split('\n'))
        {
            var match = SampleName().Match(line);
            if (match.Success)
            {
                names.Add(match.Value);
            }
        }
        return names;
    }

    /// <summary>A port free right now on 127.0.0.1 (HttpListener cannot bind port 0 and report it).</summary>
    public static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }

    [GeneratedRegex(@"^[a-zA-Z_:][a-zA-Z0-9_:]*")]
    private static partial Regex SampleName();
}
