using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Exporters.Json;
using BenchmarkDotNet.Jobs;

namespace TcpShadow.Benchmarks;

/// <summary>The one configuration every benchmark runs under.</summary>
public static class BenchmarkConfig
{
    public static IConfig Create(bool shortRun)
    {
        // Workstation, non-concurrent GC, as the appliance's shards run: no background GC thread
        // competes with the measured loop, and an allocation shows up as a Gen0 count, not as noise.
        var job = (shortRun ? Job.ShortRun : Job.Default)
            .WithGcServer(false)
            .WithGcConcurrent(false);
        // The default config brings the console logger, the columns and the CSV/Markdown/HTML exporters;
        // the full JSON report is what scripts/bench-micro.sh checks against perf/allocation-budgets.json.
        return ManualConfig.Create(DefaultConfig.Instance)
            .AddJob(job)
            .AddExporter(JsonExporter.Full);
    }
}
