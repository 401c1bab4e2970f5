using System.Diagnostics;
using System.Text.RegularExpressions;
using TcpShadow.Tests.Intercept.Service;

namespace TcpShadow.Tests.Metrics;

/// <summary>Checks deploy/prometheus/tcpshadow-rules.yml with promtool and against the metric names the code exports.</summary>
public partial class AlertRulesTests
{
    private const string RulesFile = "tcpshadow-rules.yml";
    private const string RulesTestFile = "tcpshadow-rules.test.yml";

    // PromQL words that look like identifiers but are not metric names.
    private static readonly HashSet<string> s_promQlWords = new(StringComparer.Ordinal)
    {
        "and", "or", "unless", "by", "without", "on", "ignoring", "group_left", "group_right", "bool", "offset",
    };

    private static string RulesDirectory()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Appliance.sln")))
            {
                return Path.Combine(dir.FullName, "deploy", "prometheus");
            }
        }
        throw new InvalidOperationException($"no Appliance.sln above {AppContext.BaseDirectory}");
    }

    private static string? FindPromtool()
    {
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "/usr/bin").Split(':', StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(dir, "promtool");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }
        return null;
    }

    private static async Task<(int ExitCode, string Output)> RunPromtool(params string[] args)
    {
        var promtool = FindPromtool();
        Assert.SkipWhen(promtool is null, "promtool is not installed (Debian package 'prometheus'; scripts/deps.sh installs it)");
        var start = new ProcessStartInfo(promtool!)
        {
            WorkingDirectory = RulesDirectory(),
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout + await stderr);
    }

    [Fact]
    public async Task PromtoolCheckRules_RulesFile_Valid()
    {
        var (exitCode, output) = await RunPromtool("check", "rules", RulesFile);
        Assert.True(exitCode == 0, $"promtool check rules failed ({exitCode}):\n{output}");
    }

    [Fact]
    public async Task PromtoolTestRules_UnitTests_Pass()
    {
        var (exitCode, output) = await RunPromtool("test", "rules", RulesTestFile);
        Assert.True(exitCode == 0, $"promtool test rules failed ({exitCode}):\n{output}");
    }

    [Fact]
    public void RulesFile_EveryAlert_HasATestCase()
    {
        var rules = File.ReadAllText(Path.Combine(RulesDirectory(), RulesFile));
        var tests = File.ReadAllText(Path.Combine(RulesDirectory(), RulesTestFile));
        var alerts = AlertName().Matches(rules).Select(m => m.Groups[1].Value).ToList();
        Assert.Equal(5, alerts.Count);
        foreach (var alert in alerts)
        {
            Assert.Contains("alertname: " + alert, tests, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task RulesFile_EveryMetricName_IsExportedByTheCode()
    {
        var (replicator, _) = ReplicatorMetricsTests.NewReplicatorRegistry();
        var (intercept, server) = InterceptMetricsTests.NewInterceptRegistry(new FakeCaptureSource());
        await using var _ = server;
        var exported = MetricsText.Names(await MetricsText.ScrapeAsync(replicator));
        exported.UnionWith(MetricsText.Names(await MetricsText.ScrapeAsync(intercept)));
        // The intercept-channel series exist per intercept endpoint; the test registry has none, so name them here.
        exported.UnionWith(["tcpshadow_intercept_connected", "tcpshadow_intercept_reconnects_total"]);

        var used = MetricNamesInExpressions(File.ReadAllText(Path.Combine(RulesDirectory(), RulesFile)));

        Assert.Contains("tcpshadow_requests_lost_total", used);
        Assert.Contains("up", used);
        // 'up' is Prometheus's own per-target series, not one the code exports.
        var unknown = used.Where(name => name != "up" && !exported.Contains(name)).ToList();
        Assert.True(unknown.Count == 0, "the rules use metrics the code does not export: " + string.Join(", ", unknown));
    }

    [Fact]
    public async Task InterceptConnected_ExportedPerIntercept_NameMatchesTheRule()
    {
        var endpoint = new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, MetricsText.FreePort());
        await using var client = new DataPlane.Feedback.InterceptClient(endpoint, new Feedback.RecordingSink(), Microsoft.Extensions.Logging.Abstractions.NullLogger<DataPlane.Feedback.InterceptClient>.Instance);
        var (registry, _) = ReplicatorMetricsTests.NewReplicatorRegistry([client]);

        var names = MetricsText.Names(await MetricsText.ScrapeAsync(registry));

        Assert.Contains("tcpshadow_intercept_connected", names);
        Assert.Contains("tcpshadow_intercept_reconnects_total", names);
    }

    /// <summary>Metric names in every <c>expr:</c> of the rules file: identifiers outside label matchers, ranges and grouping lists that are not functions or keywords.</summary>
    internal static HashSet<string> MetricNamesInExpressions(string rules)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        var lines = rules.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var trimmed = lines[i].TrimStart();
            if (!trimmed.StartsWith("expr:", StringComparison.Ordinal))
            {
                continue;
            }
            var indent = lines[i].Length - trimmed.Length;
            var expr = trimmed["expr:".Length..].Trim();
            // A block scalar (expr: |) continues on the lines indented deeper than the key.
            for (var j = i + 1; j < lines.Length && (lines[j].Trim().Length == 0 || lines[j].Length - lines[j].TrimStart().Length > indent); j++)
            {
                expr += "\n" + lines[j];
            }
            expr = Braces().Replace(expr, " ");
            expr = Grouping().Replace(expr, " ");
            foreach (Match m in Identifier().Matches(expr))
            {
                var word = m.Groups[1].Value;
                if (m.Groups[2].Success || s_promQlWords.Contains(word))
                {
                    continue; // a function call, or a keyword
                }
                names.Add(word);
            }
        }
        return names;
    }

    [GeneratedRegex(@"alert:\s*(\S+)")]
    private static partial Regex AlertName();

    // Label matchers {…}, range selectors […] and quoted strings carry no metric names.
    [GeneratedRegex(@"\{[^}]*\}|\[[^\]]*\]|""[^""]*""|\|")]
    private static partial Regex Braces();

    // by (…) / without (…) / on (…) / ignoring (…) list label names.
    [GeneratedRegex(@"\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)")]
    private static partial Regex Grouping();

    [GeneratedRegex(@"(?<![\w.])([a-zA-Z_:][a-zA-Z0-9_:]*)(\s*\()?")]
    private static partial Regex Identifier();
}
