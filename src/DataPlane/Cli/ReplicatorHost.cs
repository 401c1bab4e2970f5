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
            string.Join(",", _options.InterceptEndpoints), _options.InputFile ?? _options.Interface, _options.InputFile is null ? filter : "(none: offline replay)");

        // 2^18 records (32 MiB) absorb about 5 s of responses at 50 k/s while the shard is starved of CPU.
        using var responses = new ShardResponseSink(1 << 18);
        var clients = new List<InterceptClient>();
        foreach (var endpoint in _options.InterceptEndpoints)
        {
            clients.Add(new InterceptClient(endpoint, responses, _loggerFactory.CreateLogger<InterceptClient>()));
        }
        IRegistrar registrar = clients.Count == 1 ? clients[0] : new FanOutRegistrar(clients);
        var pool = _options.ClientAddresses.Count > 0 ? new ClientAddressPool(_options.ClientAddresses) : null;

        var wantV4 = _options.Routes.Any(r => r.TargetAddress.IsIPv4);
        var wantV6 = _options.Routes.Any(r => !r.TargetAddress.IsIPv4);
        // The shard is generic over its source and sender so the hot calls devirtualize: one closed type per pair.
        return (_options.InputFile, _options.DumpFile) switch
        {
            (null, null) => await RunAsync(OpenLive(filter), RawSocketSender.Open(wantV4, wantV6), registrar, pool, responses, clients).ConfigureAwait(false),
            (null, { } dump) => await RunAsync(OpenLive(filter), PcapDumpSender.Create(dump), registrar, pool, responses, clients).ConfigureAwait(false),
            ({ } file, null) => await RunAsync(PcapFileSource.Open(file, _options.Replay), RawSocketSender.Open(wantV4, wantV6), registrar, pool, responses, clients).ConfigureAwait(false),
            ({ } file, { } dump) => await RunAsync(PcapFileSource.Open(file, _options.Replay), PcapDumpSender.Create(dump), registrar, pool, responses, clients).ConfigureAwait(false),
        };
    }

    private PcapLiveSource OpenLive(string filter) => PcapLiveSource.Open(_options.Interface, filter, _options.CaptureBufferMiB << 20, promiscuous: false);

    private async Task<int> RunAsync<TSource, TSender>(TSource source, TSender sender, IRegistrar registrar, ClientAddressPool? pool, ShardResponseSink responses, List<InterceptClient> clients)
        where TSource : struct, ICaptureSource, IDisposable
        where TSender : struct, IPacketSender, IDisposable
    {
        var engine = new SessionEngine<TSender>(_options.Engine, new TargetMap(_options.Routes), pool, registrar, sender);
        var shard = new Shard<TSource, TSender>(0, source, engine, responses);

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
        if (source is PcapFileSource replay)
        {
            _ = WatchReplayAsync(replay, engine.Counters, stop);
        }

        using var statsTimer = _options.StatsIntervalSeconds > 0
            ? new Timer(_ => WriteStats(engine, source, responses, clients), null, TimeSpan.FromSeconds(_options.StatsIntervalSeconds), TimeSpan.FromSeconds(_options.StatsIntervalSeconds))
            : null;

        var exitCode = await stop.Task.ConfigureAwait(false);
        LogStopping(_logger);
        shard.Stop();
        WriteStats(engine, source, responses, clients);
        if (sender is PcapDumpSender dump)
        {
            LogDumpWritten(_logger, dump.PacketsWritten, dump.Path);
        }
        foreach (var client in clients)
        {
            await client.DisposeAsync().ConfigureAwait(false);
        }
        source.Dispose();
        sender.Dispose();
        return exitCode;
    }

    /// <summary>Once the file is read (all loops), lets sessions drain for up to --exit-after-replay seconds, then stops with 0.</summary>
    private async Task WatchReplayAsync(PcapFileSource replay, EngineCounters counters, TaskCompletionSource<int> stop)
    {
        var tick = TimeSpan.FromMilliseconds(100);
        while (!replay.Finished && !stop.Task.IsCompleted)
        {
            await Task.Delay(tick).ConfigureAwait(false);
        }
        if (replay.Error is { } error)
        {
            LogReplayCorrupt(_logger, error, replay.FramesReplayed);
        }
        LogReplayFinished(_logger, replay.Path, replay.FramesReplayed, replay.FramesSkipped, counters.ActiveSessions, _options.ExitAfterReplaySeconds);
        var deadline = DateTime.UtcNow.AddSeconds(_options.ExitAfterReplaySeconds);
        while (counters.ActiveSessions > 0 && DateTime.UtcNow < deadline && !stop.Task.IsCompleted)
        {
            await Task.Delay(tick).ConfigureAwait(false);
        }
        stop.TrySetResult(0);
    }

    private void WriteStats<TSource, TSender>(SessionEngine<TSender> engine, TSource source, ShardResponseSink responses, List<InterceptClient> clients)
        where TSource : struct, ICaptureSource
        where TSender : struct, IPacketSender
    {
        var kernelDrops = source is PcapLiveSource live ? live.KernelDrops : 0;
        var connected = 0;
        foreach (var client in clients)
        {
            connected += client.IsConnected ? 1 : 0;
        }
        var counters = engine.Counters;
        LogStats(_logger, StatsLine.Format(counters, kernelDrops, responses.Drops, $"{connected}/{clients.Count}"));
        var sendErrors = counters.SendErrors;
        if (sendErrors != _reportedSendErrors)
        {
            LogSendErrors(_logger, sendErrors - _reportedSendErrors, TcpShadow.Interop.Errno.Name(counters.LastSendErrno));
            _reportedSendErrors = sendErrors;
        }
    }

    private long _reportedSendErrors;

    private Prometheus.IMetricServer? StartMetrics<TSource, TSender>(SessionEngine<TSender> engine, TSource source, ShardResponseSink responses, List<InterceptClient> clients)
        where TSource : struct, ICaptureSource
        where TSender : struct, IPacketSender
    {
        if (_options.MetricsListen is not { } listen)
        {
            return null;
        }
        Func<long> kernelDrops = source is PcapLiveSource live ? () => live.KernelDrops : static () => 0;
        ReplicatorMetrics.Register(Prometheus.Metrics.DefaultRegistry, [new ShardMetricsSource(0, engine.Counters, kernelDrops, () => responses.Drops)], clients);
        return MetricsEndpoint.Start(listen, Prometheus.Metrics.DefaultRegistry);
    }

    [LoggerMessage(EventId = EventIds.SendErrors, Level = LogLevel.Warning, Message = "{Count} packets to the target failed to send (last error {Errno}); they are retransmitted. Check the route to the target and the raw socket's permissions")]
    private static partial void LogSendErrors(ILogger logger, long count, string errno);

    [LoggerMessage(EventId = EventIds.ReplicatorStarting, Level = LogLevel.Information, Message = "tcpshadow starting: copy {Routes} via intercept {Intercepts}, capture on {Interface} with filter '{Filter}'")]
    private static partial void LogStarting(ILogger logger, string routes, string intercepts, string @interface, string filter);

    [LoggerMessage(EventId = EventIds.ReplayFinished, Level = LogLevel.Information, Message = "replay of {File} finished: {Frames} frames replayed, {Skipped} skipped; waiting up to {Grace} s for {Active} active sessions to drain")]
    private static partial void LogReplayFinished(ILogger logger, string file, long frames, long skipped, long active, int grace);

    [LoggerMessage(EventId = EventIds.ReplayCorrupt, Level = LogLevel.Warning, Message = "replay stopped early: {Error}; the {Frames} frames before it were replayed")]
    private static partial void LogReplayCorrupt(ILogger logger, string error, long frames);

    [LoggerMessage(EventId = EventIds.DumpWritten, Level = LogLevel.Information, Message = "dry run: {Packets} packets that would have been sent are in {File}")]
    private static partial void LogDumpWritten(ILogger logger, long packets, string file);

    [LoggerMessage(EventId = EventIds.ReplicatorStopping, Level = LogLevel.Information, Message = "tcpshadow stopping")]
    private static partial void LogStopping(ILogger logger);

    [LoggerMessage(EventId = EventIds.ShardFaulted, Level = LogLevel.Critical, Message = "shard loop faulted; stopping")]
    private static partial void LogShardFaulted(ILogger logger, Exception exception);

    [LoggerMessage(EventId = EventIds.StatsLine, Level = LogLevel.Information, Message = "stats {Stats}")]
    private static partial void LogStats(ILogger logger, string stats);
}
