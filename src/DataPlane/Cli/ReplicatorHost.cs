using System.Runtime.InteropServices;
using Microsoft.Extensions.Logging;
using TcpShadow.DataPlane.Capture;
using TcpShadow.DataPlane.Feedback;
using TcpShadow.DataPlane.Metrics;
using TcpShadow.DataPlane.Sending;
using TcpShadow.DataPlane.Sessions;
using TcpShadow.DataPlane.Sharding;

namespace TcpShadow.DataPlane.Cli;

/// <summary>Wires capture, one shard, the intercept clients and the stats line, and runs until SIGINT/SIGTERM.</summary>
public sealed partial class ReplicatorHost
{
    private readonly ReplicatorOptions _options;
    private readonly ILoggerFactory _loggerFactory;
    private readonly ILogger _logger;

    public ReplicatorHost(ReplicatorOptions options, ILoggerFactory loggerFactory)
    {
        _options = options;
        _loggerFactory = loggerFactory;
        _logger = loggerFactory.CreateLogger("tcpshadow");
    }

    public async Task<int> RunAsync()
    {
        var filter = _options.EffectiveFilter();
        LogStarting(_logger, string.Join(",", _options.Routes.Select(r => $"{r.OnlineAddress?.ToString() ?? "*"}:{r.OnlinePort}->{r.TargetAddress}:{r.TargetPort}")),
            string.Join(",", _options.InterceptEndpoints), _options.Interface, filter);

        using var responses = new ShardResponseSink(1 << 16);
        var clients = new List<InterceptClient>();
        foreach (var endpoint in _options.InterceptEndpoints)
        {
            clients.Add(new InterceptClient(endpoint, responses, _loggerFactory.CreateLogger<InterceptClient>()));
        }
        IRegistrar registrar = clients.Count == 1 ? clients[0] : new FanOutRegistrar(clients);
        var pool = _options.ClientAddresses.Count > 0 ? new ClientAddressPool(_options.ClientAddresses) : null;

        var source = PcapLiveSource.Open(_options.Interface, filter, _options.CaptureBufferMiB << 20, promiscuous: false);
        var wantV4 = _options.Routes.Any(r => r.TargetAddress.IsIPv4);
        var wantV6 = _options.Routes.Any(r => !r.TargetAddress.IsIPv4);
        var sender = RawSocketSender.Open(wantV4, wantV6);
        var engine = new SessionEngine<RawSocketSender>(_options.Engine, new TargetMap(_options.Routes), pool, registrar, sender);
        var shard = new Shard<PcapLiveSource, RawSocketSender>(0, source, engine, responses);

        var stop = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        shard.Faulted += e =>
        {
            LogShardFaulted(_logger, e);
            stop.TrySetResult(3);
        };
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, c =>
        {
            c.Cancel = true;
            stop.TrySetResult(0);
        });
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c =>
        {
            c.Cancel = true;
            stop.TrySetResult(0);
        });

        using var metricsServer = StartMetrics(engine, source, responses, clients);
        foreach (var client in clients)
        {
            client.Start();
        }
        shard.Start();

        using var statsTimer = _options.StatsIntervalSeconds > 0
            ? new Timer(_ => WriteStats(engine, source, responses, clients), null, TimeSpan.FromSeconds(_options.StatsIntervalSeconds), TimeSpan.FromSeconds(_options.StatsIntervalSeconds))
            : null;

        var exitCode = await stop.Task.ConfigureAwait(false);
        LogStopping(_logger);
        shard.Stop();
        WriteStats(engine, source, responses, clients);
        foreach (var client in clients)
        {
            await client.DisposeAsync().ConfigureAwait(false);
        }
        source.Dispose();
        sender.Dispose();
        return exitCode;
    }

    private void WriteStats(SessionEngine<RawSocketSender> engine, PcapLiveSource source, ShardResponseSink responses, List<InterceptClient> clients)
    {
        var connected = 0;
        foreach (var client in clients)
        {
            connected += client.IsConnected ? 1 : 0;
        }
        var counters = engine.Counters;
        LogStats(_logger, StatsLine.Format(counters, source.KernelDrops, responses.Drops, $"{connected}/{clients.Count}"));
        var sendErrors = counters.SendErrors;
        if (sendErrors != _reportedSendErrors)
        {
            LogSendErrors(_logger, sendErrors - _reportedSendErrors, TcpShadow.Interop.Errno.Name(counters.LastSendErrno));
            _reportedSendErrors = sendErrors;
        }
    }

    private long _reportedSendErrors;

    private Prometheus.IMetricServer? StartMetrics(SessionEngine<RawSocketSender> engine, PcapLiveSource source, ShardResponseSink responses, List<InterceptClient> clients)
    {
        if (_options.MetricsListen is not { } listen)
        {
            return null;
        }
        ReplicatorMetrics.Register(Prometheus.Metrics.DefaultRegistry, [new ShardMetricsSource(0, engine.Counters, () => source.KernelDrops, () => responses.Drops)], clients);
        return MetricsEndpoint.Start(listen, Prometheus.Metrics.DefaultRegistry);
    }

    [LoggerMessage(EventId = EventIds.SendErrors, Level = LogLevel.Warning, Message = "{Count} packets to the target failed to send (last error {Errno}); they are retransmitted. Check the route to the target and the raw socket's permissions")]
    private static partial void LogSendErrors(ILogger logger, long count, string errno);

    [LoggerMessage(EventId = EventIds.ReplicatorStarting, Level = LogLevel.Information, Message = "tcpshadow starting: copy {Routes} via intercept {Intercepts}, capture on {Interface} with filter '{Filter}'")]
    private static partial void LogStarting(ILogger logger, string routes, string intercepts, string @interface, string filter);

    [LoggerMessage(EventId = EventIds.ReplicatorStopping, Level = LogLevel.Information, Message = "tcpshadow stopping")]
    private static partial void LogStopping(ILogger logger);

    [LoggerMessage(EventId = EventIds.ShardFaulted, Level = LogLevel.Critical, Message = "shard loop faulted; stopping")]
    private static partial void LogShardFaulted(ILogger logger, Exception exception);

    [LoggerMessage(EventId = EventIds.StatsLine, Level = LogLevel.Information, Message = "stats {Stats}")]
    private static partial void LogStats(ILogger logger, string stats);
}
