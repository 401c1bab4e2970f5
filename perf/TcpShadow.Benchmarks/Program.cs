using BenchmarkDotNet.Running;
using TcpShadow.Benchmarks;

// --short: BenchmarkDotNet's ShortRun job (scripts/bench-micro.sh); anything else goes to BenchmarkSwitcher.
var shortRun = args.Contains("--short");
var summaries = BenchmarkSwitcher.FromAssembly(typeof(BenchmarkConfig).Assembly)
    .Run(args.Where(a => a != "--short").ToArray(), BenchmarkConfig.Create(shortRun));
// A benchmark that failed to build or run has no figures to check: that is a failed run, not a pass.
return summaries.Any(s => s.HasCriticalValidationErrors || s.Reports.Any(r => !r.Success)) ? 1 : 0;
