using TcpShadow.DataPlane.Cli;
using TcpShadow.DataPlane.Metrics;
using TcpShadow.Intercept.Service;

namespace TcpShadow.Tests.Metrics;

public class MetricsEndpointTests
{
    [Fact]
    public void Parse_NoMetricsFlag_EndpointOff()
    {
        var options = ReplicatorOptionsParser.Parse(["-x", "80-198.18.2.2:80", "-s", "198.18.2.3"]);
        Assert.Null(options.MetricsListen);
        Assert.True(InterceptCommandLine.TryParse(["-i", "eth1"], out var intercept, out _));
        Assert.Null(intercept.MetricsListen);
    }

    [Theory]
    [InlineData("127.0.0.1:9464", "127.0.0.1:9464")]
    [InlineData("0.0.0.0:9464", "0.0.0.0:9464")]
    [InlineData("[::1]:9464", "[::1]:9464")]
    public void Parse_MetricsListen_BothBinaries(string value, string expected)
    {
        var options = ReplicatorOptionsParser.Parse(["-x", "80-198.18.2.2:80", "-s", "198.18.2.3", "--metrics-listen", value]);
        Assert.Equal(expected, options.MetricsListen?.ToString());
        Assert.True(InterceptCommandLine.TryParse(["-i", "eth1", "--metrics-listen=" + value], out var intercept, out var error), error);
        Assert.Equal(expected, intercept.MetricsListen?.ToString());
    }

    [Theory]
    [InlineData("9464")]
    [InlineData("127.0.0.1")]
    [InlineData("127.0.0.1:0")]
    [InlineData("localhost:9464")]
    [InlineData("127.0.0.1:70000")]
    public void Parse_BadMetricsListen_MessageNamesFlagValueAndFix(string value)
    {
        var e = Assert.Throws<OptionsException>(() => ReplicatorOptionsParser.Parse(["-x", "80-198.18.2.2:80", "-s", "198.18.2.3", "--metrics-listen", value]));
        Assert.Contains("--metrics-listen", e.Message, StringComparison.Ordinal);
        Assert.Contains($"'{value}'", e.Message, StringComparison.Ordinal);
        Assert.Contains("Example: --metrics-listen 127.0.0.1:9464", e.Message, StringComparison.Ordinal);
        Assert.False(InterceptCommandLine.TryParse(["-i", "eth1", "--metrics-listen", value], out _, out var error));
        Assert.Contains($"'{value}'", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Help_BothBinaries_DocumentTheFlag()
    {
        Assert.Contains("--metrics-listen ADDR:PORT", ReplicatorOptionsParser.Help, StringComparison.Ordinal);
        Assert.Contains("--metrics-listen ADDR:PORT", InterceptCommandLine.HelpText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_MetricsListenLoopback_HttpScrapeReturnsCounters()
    {
        var port = MetricsText.FreePort();
        var options = ReplicatorOptionsParser.Parse(["-x", "80-198.18.2.2:80", "-s", "198.18.2.3", "--metrics-listen", $"127.0.0.1:{port}"]);
        var (registry, counters) = ReplicatorMetricsTests.NewReplicatorRegistry();
        using var server = MetricsEndpoint.Start(options.MetricsListen!, registry);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };

        var text = await http.GetStringAsync(new Uri($"http://127.0.0.1:{port}/metrics"), TestContext.Current.CancellationToken);
        Assert.Equal(1001, MetricsText.Value(text, "tcpshadow_packets_captured_total{shard=\"0\"}"));
        Assert.Equal(8, MetricsText.Value(text, "tcpshadow_requests_lost_total{shard=\"0\",reason=\"TargetReset\"}"));

        counters.RequestsCaptured += 5;
        text = await http.GetStringAsync(new Uri($"http://127.0.0.1:{port}/metrics"), TestContext.Current.CancellationToken);
        Assert.Equal(505, MetricsText.Value(text, "tcpshadow_requests_captured_total{shard=\"0\"}"));
    }

    [Fact]
    public void Start_PortTaken_ArgumentExceptionNamesTheFlag()
    {
        var port = MetricsText.FreePort();
        var options = ReplicatorOptionsParser.Parse(["-x", "80-198.18.2.2:80", "-s", "198.18.2.3", "--metrics-listen", $"127.0.0.1:{port}"]);
        var registry = Prometheus.Metrics.NewCustomRegistry();
        using var first = MetricsEndpoint.Start(options.MetricsListen!, registry);

        var e = Assert.Throws<ArgumentException>(() => MetricsEndpoint.Start(options.MetricsListen!, registry));
        Assert.Contains($"--metrics-listen 127.0.0.1:{port}: cannot listen", e.Message, StringComparison.Ordinal);
    }
}
