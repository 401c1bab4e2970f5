using System.Buffers;
using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using TcpShadow.DataPlane.Packets;
using TcpShadow.DataPlane.Sharding;
using TcpShadow.Intercept.Protocol;

namespace TcpShadow.DataPlane.Feedback;

/// <summary>
/// The replicator's channel to one intercept node: registers the target-side tuples this replicator owns, delivers
/// every response record to an <see cref="IResponseSink"/>, and reconnects (100 ms → 5 s back-off) re-registering
/// every live tuple when the channel breaks.
/// </summary>
/// <remarks>
/// Threads: <see cref="TryRegister"/> and <see cref="TryUnregister"/> run on shard threads; they enqueue into a bounded
/// MPSC ring and never block. One long-lived sender task owns the connection loop, the socket's send side and the set
/// of live tuples; it is woken by a semaphore only when it sleeps. A receive task per connection runs the Pipelines
/// pump and calls the sink. A full socket buffer only delays the sender (registrations then queue or count as
/// drops); the channel is declared dead only when no frame arrives for <see cref="InterceptClientOptions.PeerTimeout"/>.
/// </remarks>
public sealed partial class InterceptClient : IRegistrar, IDisposable, IAsyncDisposable
{
    // Bytes of frames gathered before one send.
    private const int SendChunk = 256 * 1024;

    private readonly IPEndPoint _endpoint;
    private readonly IResponseSink _sink;
    private readonly ILogger _logger;
    private readonly InterceptClientOptions _options;
    private readonly BoundedRing<RegistrationOp> _queue;
    private readonly HashSet<FlowKey> _live = [];
    private readonly SemaphoreSlim _signal = new(0);
    private readonly CancellationTokenSource _stopping = new();
    private readonly ArrayBufferWriter<byte> _output = new(SendChunk + 128 * 1024);
    private readonly FrameWriter _writer;
    private Task? _run;
    private int _senderIdle;
    private long _lastReceiveMs;
    private int _connected;
    private long _connects;
    private long _framesReceived;
    private long _recordsReceived;
    private long _sinkDrops;
    private long _queueDrops;
    private long _framesSent;
    private long _recordsSent;

    public InterceptClient(IPEndPoint endpoint, IResponseSink sink, ILogger<InterceptClient> logger, InterceptClientOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        ArgumentNullException.ThrowIfNull(sink);
        ArgumentNullException.ThrowIfNull(logger);
        _endpoint = endpoint;
        _sink = sink;
        _logger = logger;
        _options = options ?? new InterceptClientOptions();
        _queue = new BoundedRing<RegistrationOp>(_options.RegistrationQueueCapacity);
        _writer = new FrameWriter(_output);
    }

    public IPEndPoint Endpoint => _endpoint;

    public bool IsConnected => Volatile.Read(ref _connected) != 0;

    /// <summary>Successful connections (handshake done), the first included.</summary>
    public long Connects => Interlocked.Read(ref _connects);

    /// <summary>Successful connections after the first.</summary>
    public long Reconnects => Math.Max(0, Connects - 1);

    public long FramesSent => Interlocked.Read(ref _framesSent);

    /// <summary>Register and Unregister keys sent, re-registrations after a reconnect included.</summary>
    public long RecordsSent => Interlocked.Read(ref _recordsSent);

    public long FramesReceived => Interlocked.Read(ref _framesReceived);

    /// <summary>Response records received (each handed to the sink).</summary>
    public long RecordsReceived => Interlocked.Read(ref _recordsReceived);

    /// <summary>Records the sink refused (its shard ring was full).</summary>
    public long SinkDrops => Interlocked.Read(ref _sinkDrops);

    /// <summary>Registrations and removals refused because the queue was full.</summary>
    public long RegistrationQueueDrops => Interlocked.Read(ref _queueDrops);

    /// <summary>Starts the connection loop; returns at once. Connection failures are retried, never thrown.</summary>
    public void Start()
    {
        if (_run is not null)
        {
            throw new InvalidOperationException("The intercept client is already started.");
        }
        _run = Task.Run(RunAsync);
    }

    public bool TryRegister(in FlowKey targetTuple) => Enqueue(new RegistrationOp(targetTuple, register: true));

    public bool TryUnregister(in FlowKey targetTuple) => Enqueue(new RegistrationOp(targetTuple, register: false));

    private bool Enqueue(in RegistrationOp op)
    {
        if (!_queue.TryEnqueue(op))
        {
            Interlocked.Increment(ref _queueDrops);
            return false;
        }
        // Registration races the target's SYN-ACK: wake the sender now, but only when it sleeps.
        if (Volatile.Read(ref _senderIdle) != 0 && Interlocked.Exchange(ref _senderIdle, 0) != 0)
        {
            _signal.Release();
        }
        return true;
    }

    public async ValueTask DisposeAsync()
    {
        if (_stopping.IsCancellationRequested)
        {
            return;
        }
        await _stopping.CancelAsync().ConfigureAwait(false);
        if (_run is not null)
        {
            await _run.ConfigureAwait(false);
        }
        _stopping.Dispose();
    }

    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    private async Task RunAsync()
    {
        var stop = _stopping.Token;
        var backoff = _options.MinBackoff;
        while (!stop.IsCancellationRequested)
        {
            ApplyQueuedOffline();
            var socket = new Socket(_endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            using var connection = CancellationTokenSource.CreateLinkedTokenSource(stop);
            // Inline schedulers: with inline socket completions a response goes from the socket to the shard's ring on the
            // socket engine's thread, without a thread-pool hop (measured: the copy's round trip is its throughput limit).
            var pipe = new Pipe(new PipeOptions(readerScheduler: PipeScheduler.Inline, writerScheduler: PipeScheduler.Inline, pauseWriterThreshold: _options.MaxBody * 2L + 65536, resumeWriterThreshold: _options.MaxBody + 32768, useSynchronizationContext: false));
            Task? pump = null;
            string reason;
            try
            {
                using (var connectTimeout = CancellationTokenSource.CreateLinkedTokenSource(stop))
                {
                    connectTimeout.CancelAfter(_options.ConnectTimeout);
                    await socket.ConnectAsync(_endpoint, connectTimeout.Token).ConfigureAwait(false);
                    pump = SocketReceivePump.RunAsync(socket, pipe.Writer, connection.Token);
                    _writer.WriteHello(ProtocolConstants.MinSupportedVersion, ProtocolConstants.MaxSupportedVersion, _options.InstanceId);
                    await FlushAsync(socket, connectTimeout.Token).ConfigureAwait(false);
                    await ReadHelloAckAsync(pipe.Reader, connectTimeout.Token).ConfigureAwait(false);
                }
            }
            catch (Exception ex) when (ex is SocketException or IOException or OperationCanceledException or InvalidDataException or ObjectDisposedException)
            {
                await connection.CancelAsync().ConfigureAwait(false);
                socket.Dispose();
                if (pump is not null)
                {
                    await pump.ConfigureAwait(false);
                }
                _output.ResetWrittenCount();
                if (stop.IsCancellationRequested)
                {
                    break;
                }
                LogConnectFailed(_logger, _endpoint.ToString(), ex is OperationCanceledException ? "timed out" : ex.Message, backoff.TotalMilliseconds);
                await WaitOfflineAsync(backoff, stop).ConfigureAwait(false);
                backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, _options.MaxBackoff.Ticks));
                continue;
            }

            backoff = _options.MinBackoff;
            Volatile.Write(ref _lastReceiveMs, Environment.TickCount64);
            Interlocked.Increment(ref _connects);
            Volatile.Write(ref _connected, 1);
            LogConnected(_logger, _endpoint.ToString(), _live.Count, Connects > 1);
            var receiver = ReceiveLoopAsync(pipe.Reader, connection);
            try
            {
                reason = await SendLoopAsync(socket, connection.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                reason = stop.IsCancellationRequested ? "client stopping" : "receive side closed";
            }
            catch (Exception ex) when (ex is SocketException or IOException or ObjectDisposedException)
            {
                reason = $"{SocketReceivePump.Classify(ex)}: {ex.Message}";
            }
            Volatile.Write(ref _connected, 0);
            await connection.CancelAsync().ConfigureAwait(false);
            socket.Dispose();
            await pump!.ConfigureAwait(false);
            var receiveReason = await receiver.ConfigureAwait(false);
            await pipe.Reader.CompleteAsync().ConfigureAwait(false);
            _writer.EndBatch();
            _output.ResetWrittenCount();
            if (!stop.IsCancellationRequested)
            {
                LogDisconnected(_logger, _endpoint.ToString(), receiveReason ?? reason);
                await WaitOfflineAsync(_options.MinBackoff, stop).ConfigureAwait(false);
            }
        }
        LogStopped(_logger, _endpoint.ToString(), FramesSent, RecordsReceived);
    }

    private async Task ReadHelloAckAsync(PipeReader reader, CancellationToken token)
    {
        while (true)
        {
            var result = await reader.ReadAsync(token).ConfigureAwait(false);
            var buffer = result.Buffer;
            var status = FrameReader.TryRead(ref buffer, _options.MaxBody, out var frame, out var error);
            if (status == OperationStatus.Done)
            {
                var body = new byte[frame.BodyLength];
                frame.Body.CopyTo(body);
                reader.AdvanceTo(buffer.Start);
                if (frame.Type == FrameType.HelloAck)
                {
                    return;
                }
                if (frame.Type == FrameType.Error)
                {
                    var code = FrameBodies.ReadError(body, out var message);
                    LogHandshakeRejected(_logger, _endpoint.ToString(), code.ToString(), message);
                    throw new InvalidDataException($"intercept rejected the handshake: {code}");
                }
                throw new InvalidDataException($"expected HelloAck, got {frame.Type}");
            }
            if (status == OperationStatus.InvalidData)
            {
                throw new InvalidDataException($"malformed handshake reply ({error}); is {_endpoint} a tcpshadow-intercept?");
            }
            reader.AdvanceTo(result.Buffer.Start, result.Buffer.End);
            if (result.IsCompleted)
            {
                throw new IOException("the intercept closed the connection during the handshake");
            }
        }
    }

    /// <summary>Disconnected: keep the live set current so the next connection re-registers the right tuples.</summary>
    private void ApplyQueuedOffline()
    {
        while (_queue.TryDequeue(out var op))
        {
            if (op.Register)
            {
                _live.Add(op.Key);
            }
            else
            {
                _live.Remove(op.Key);
            }
        }
    }

    private async Task WaitOfflineAsync(TimeSpan delay, CancellationToken stop)
    {
        var deadline = Environment.TickCount64 + (long)delay.TotalMilliseconds;
        try
        {
            long remaining;
            while ((remaining = deadline - Environment.TickCount64) > 0)
            {
                ApplyQueuedOffline();
                Volatile.Write(ref _senderIdle, 1);
                await _signal.WaitAsync(TimeSpan.FromMilliseconds(remaining), stop).ConfigureAwait(false);
                Volatile.Write(ref _senderIdle, 0);
            }
        }
        catch (OperationCanceledException)
        {
        }
        ApplyQueuedOffline();
    }

    private async Task<string> SendLoopAsync(Socket socket, CancellationToken token)
    {
        // Re-register everything this replicator still owns: after a reconnect the intercept has no routes for us.
        foreach (var key in _live)
        {
            _writer.AppendKey(FrameType.Register, key);
            if (_output.WrittenCount >= SendChunk)
            {
                await FlushAsync(socket, token).ConfigureAwait(false);
            }
        }
        await FlushAsync(socket, token).ConfigureAwait(false);
        var heartbeatMs = (long)_options.HeartbeatInterval.TotalMilliseconds;
        var timeoutMs = (long)_options.PeerTimeout.TotalMilliseconds;
        var lastSendMs = Environment.TickCount64;
        while (true)
        {
            token.ThrowIfCancellationRequested();
            var any = false;
            while (_output.WrittenCount < SendChunk && _queue.TryDequeue(out var op))
            {
                any = true;
                if (op.Register)
                {
                    _live.Add(op.Key);
                    _writer.AppendKey(FrameType.Register, op.Key);
                }
                else
                {
                    _live.Remove(op.Key);
                    _writer.AppendKey(FrameType.Unregister, op.Key);
                }
            }
            if (any)
            {
                await FlushAsync(socket, token).ConfigureAwait(false);
                lastSendMs = Environment.TickCount64;
                continue;
            }
            // A full fence (not a release store): the queue check below must not be reordered before it (Dekker with Enqueue).
            Interlocked.Exchange(ref _senderIdle, 1);
            if (_queue.Count > 0)
            {
                Volatile.Write(ref _senderIdle, 0);
                continue;
            }
            var now = Environment.TickCount64;
            if (now - Volatile.Read(ref _lastReceiveMs) > timeoutMs)
            {
                LogPeerTimeout(_logger, _endpoint.ToString(), _options.PeerTimeout.TotalSeconds);
                return "intercept silent";
            }
            var wait = Math.Min(heartbeatMs - (now - lastSendMs), timeoutMs / 3);
            if (wait <= 0 || !await _signal.WaitAsync(TimeSpan.FromMilliseconds(Math.Max(wait, 1)), token).ConfigureAwait(false))
            {
                Interlocked.Exchange(ref _senderIdle, 0);
                if (Environment.TickCount64 - lastSendMs >= heartbeatMs)
                {
                    _writer.WriteHeartbeat((DateTime.UtcNow.Ticks - DateTime.UnixEpoch.Ticks) * 100);
                    await FlushAsync(socket, token).ConfigureAwait(false);
                    lastSendMs = Environment.TickCount64;
                }
                continue;
            }
            Interlocked.Exchange(ref _senderIdle, 0);
        }
    }

    private async ValueTask FlushAsync(Socket socket, CancellationToken token)
    {
        _writer.EndBatch();
        var bytes = _output.WrittenMemory;
        while (!bytes.IsEmpty)
        {
            // An awaited send: a full socket buffer just waits here, it is never taken as a dead peer.
            var sent = await socket.SendAsync(bytes, SocketFlags.None, token).ConfigureAwait(false);
            bytes = bytes[sent..];
        }
        Interlocked.Exchange(ref _framesSent, _writer.FramesWritten);
        Interlocked.Exchange(ref _recordsSent, _writer.RecordsWritten);
        _output.ResetWrittenCount();
    }

    /// <summary>Returns why the connection ended, or null when it was cancelled from the send side.</summary>
    private async Task<string?> ReceiveLoopAsync(PipeReader reader, CancellationTokenSource connection)
    {
        var scratch = new byte[_options.MaxBody];
        string? reason = null;
        try
        {
            while (true)
            {
                var result = await reader.ReadAsync(connection.Token).ConfigureAwait(false);
                var buffer = result.Buffer;
                Volatile.Write(ref _lastReceiveMs, Environment.TickCount64);
                OperationStatus status;
                FrameReadError error;
                while ((status = FrameReader.TryRead(ref buffer, _options.MaxBody, out var frame, out error)) == OperationStatus.Done)
                {
                    Interlocked.Increment(ref _framesReceived);
                    if (frame.Type == FrameType.Responses)
                    {
                        Deliver(frame.GetBodySpan(scratch));
                    }
                    else if (frame.Type == FrameType.Error)
                    {
                        var code = FrameBodies.ReadError(frame.GetBodySpan(scratch), out var message);
                        reason = $"intercept sent Error {code}: {message}";
                        return reason;
                    }
                    else if (frame.Type != FrameType.Heartbeat)
                    {
                        LogMalformed(_logger, _endpoint.ToString(), $"unexpected {frame.Type} frame");
                        reason = $"unexpected {frame.Type} frame";
                        return reason;
                    }
                }
                if (status == OperationStatus.InvalidData)
                {
                    LogMalformed(_logger, _endpoint.ToString(), error.ToString());
                    reason = $"malformed frame ({error})";
                    return reason;
                }
                reader.AdvanceTo(buffer.Start, buffer.End);
                if (result.IsCompleted)
                {
                    reason = "closed by intercept";
                    return reason;
                }
            }
        }
        catch (OperationCanceledException)
        {
            return null;
        }
        catch (Exception ex) when (ex is SocketException or IOException or ObjectDisposedException)
        {
            reason = $"{SocketReceivePump.Classify(ex)}: {ex.Message}";
            return reason;
        }
        finally
        {
            if (reason is not null)
            {
                await connection.CancelAsync().ConfigureAwait(false);
            }
        }
    }

    private void Deliver(ReadOnlySpan<byte> body)
    {
        var records = new ResponseBatchReader(body);
        long delivered = 0;
        long dropped = 0;
        while (records.TryNext(out var timestampNs, out var packet))
        {
            delivered++;
            if (!_sink.TryDeliver(packet, timestampNs))
            {
                dropped++;
            }
        }
        Interlocked.Add(ref _recordsReceived, delivered);
        if (dropped != 0)
        {
            Interlocked.Add(ref _sinkDrops, dropped);
        }
    }
}
