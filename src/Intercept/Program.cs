using System.Runtime.InteropServices;
using Microsoft.Extensions.Logging;
using TcpShadow.DataPlane.Metrics;
using TcpShadow.Intercept.Capture;
using TcpShadow.Intercept.Metrics;
using TcpShadow.Intercept.Service;

// Socket completions run on the epoll thread, not hopped to the thread pool: the intercept channel's latency is the
// copy's request rate per connection. Read once by the socket engine, so it must be set before the first socket.
Environment.SetEnvironmentVariable("DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS", "1");

if (!InterceptCommandLine.TryParse(args, out var commandLine, out var error))
{
    await Console.Error.WriteLineAsync($"tcpshadow-intercept: {error}").ConfigureAwait(false);
    return 2;
}
if (commandLine.ShowHelp)
{
    Console.WriteLine(InterceptCommandLine.HelpText);
    return 0;
}

using var loggerFactory = LoggerFactory.Create(builder => builder.AddSimpleConsole(o =>
{
    o.SingleLine = true;
    o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fff ";
}));

PcapResponseCapture capture;
InterceptServer server;
try
{
    capture = PcapResponseCapture.Open(commandLine.Capture, loggerFactory.CreateLogger<PcapResponseCapture>());
    server = new InterceptServer(commandLine.Server, capture, loggerFactory);
    server.Start();
}
catch (InvalidOperationException ex)
{
    await Console.Error.WriteLineAsync($"tcpshadow-intercept: {ex.Message}").ConfigureAwait(false);
    return 1;
}

using var metricsServer = StartMetrics(commandLine, server, capture);
if (metricsServer is null && commandLine.MetricsListen is not null)
{
    await server.StopAsync().ConfigureAwait(false);
    return 2;
}

var shutdown = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
void OnSignal(PosixSignalContext context)
{
    context.Cancel = true;
    shutdown.TrySetResult();
}
using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);
using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);

var finished = await Task.WhenAny(shutdown.Task, server.Completion).ConfigureAwait(false);
var failed = finished == server.Completion && server.Completion.IsFaulted;
await server.StopAsync().ConfigureAwait(false);
return failed ? 1 : 0;

static Prometheus.IMetricServer? StartMetrics(InterceptCommandLine commandLine, InterceptServer server, PcapResponseCapture capture)
{
    if (commandLine.MetricsListen is not { } listen)
    {
        return null;
    }
    InterceptMetrics.Register(Prometheus.Metrics.DefaultRegistry, server, () => capture.KernelDrops);
    try
    {
        return MetricsEndpoint.Start(listen, Prometheus.Metrics.DefaultRegistry);
    }
    catch (ArgumentException ex)
    {
        Console.Error.WriteLine($"tcpshadow-intercept: {ex.Message}");
        return null;
    }
}
