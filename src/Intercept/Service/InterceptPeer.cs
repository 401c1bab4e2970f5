using System.Buffers;
using System.IO.Pipelines;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using TcpShadow.DataPlane.Feedback;
using TcpShadow.Intercept.Protocol;

namespace TcpShadow.Intercept.Service;

/// <summary>
/// One replicator connection: a Pipelines receive pump and frame reader (Hello first, then Register, Unregister,
/// Heartbeat), and a sender that batches the responses the capture thread queued into Responses frames.
/// </summary>
/// <remarks>
/// Threads: <see cref="TryEnqueue"/> runs on the capture thread only (the ring is single-producer). The sender is the
/// only writer of the socket apart from the handshake reply and a final Error frame, which take the send lock.
/// </remarks>
internal sealed partial class InterceptPeer
{
    // Bytes of frames the sender gathers before one send: enough to batch a burst, small enough to stay in cache.
    private const int SendChunk = 256 * 1024;

    private readonly Socket _socket;
    private readonly InterceptServer _server;
    private readonly InterceptServerOptions _options;
    private readonly ILogger _logger;
    private readonly ResponseRing _ring;
    private readonly SemaphoreSlim _signal = new(0);
    private readonly SemaphoreSlim _sendLock = new(1, 1);
    private readonly CancellationTokenSource _closed = new();
    private int _senderIdle;
    private long _lastReceiveMs;

    public InterceptPeer(int id, Socket socket, InterceptServer server, InterceptServerOptions options, ILogger logger)
    {
        Id = id;
        _socket = socket;
        _server = server;
        _options = options;
        _logger = logger;
        _ring = new ResponseRing(options.PeerQueueBytes);
        RemoteEndPoint = socket.RemoteEndPoint?.ToString() ?? "?";
    }

    public int Id { get; }

    public string RemoteEndPoint { get; }

    public ulong InstanceId { get; private set; }

    /// <summary>Responses queued for this peer (capture thread).</summary>
    public long Queued { get; private set; }

    /// <summary>Responses dropped because this peer's queue was full (capture thread).</summary>
    public long Dropped { get; private set; }

    public long FramesSent { get; private set; }

    public long RecordsSent { get; private set; }

    public long FramesReceived { get; private set; }

    public long KeysReceived { get; private set; }

    /// <summary>Capture thread only. Never blocks: a full queue is a counted drop.</summary>
    public bool TryEnqueue(long timestampNs, ReadOnlySpan<byte> record)
    {
        if (!_ring.TryWrite(timestampNs, record))
        {
            Dropped++;
            return false;
        }
        Queued++;
        // Wake the sender only when it sleeps; while it drains, it picks the record up on its own. The full fence pairs
        // with the sender's Interlocked.Exchange (Dekker): a release store then a load may reorder on x86, and a missed
        // wake-up left responses queued until the next heartbeat (seconds).
        Interlocked.MemoryBarrier();
        if (Volatile.Read(ref _senderIdle) != 0 && Interlocked.Exchange(ref _senderIdle, 0) != 0)
        {
            _signal.Release();
        }
        return true;
    }

    public void Abort() => _closed.Cancel();

    public async Task RunAsync(CancellationToken stopping)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(stopping, _closed.Token);
        var token = linked.Token;
        // Inline schedulers: with inline socket completions the whole receive, parse and route runs on the socket engine's
        // thread, without a thread-pool hop per frame.
        var pipe = new Pipe(new PipeOptions(readerScheduler: PipeScheduler.Inline, writerScheduler: PipeScheduler.Inline, pauseWriterThreshold: _options.MaxBody * 2L + 65536, resumeWriterThreshold: _options.MaxBody + 32768, useSynchronizationContext: false));
        var pump = SocketReceivePump.RunAsync(_socket, pipe.Writer, token);
        var added = false;
        Task? sender = null;
        string reason = "closed by peer";
        try
        {
            if (!await HandshakeAsync(pipe.Reader, token).ConfigureAwait(false))
            {
                reason = "handshake failed";
                return;
            }
            await _server.EnqueueCommandAsync(new RouteCommand { Kind = RouteCommandKind.AddPeer, PeerId = Id, Peer = this }, token).ConfigureAwait(false);
            added = true;
            LogConnected(_logger, Id, RemoteEndPoint, InstanceId);
            sender = SendLoopAsync(linked);
            reason = await ReadLoopAsync(pipe.Reader, token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            reason = stopping.IsCancellationRequested ? "service stopping" : reason;
        }
        catch (Exception ex) when (ex is SocketException or IOException or ObjectDisposedException)
        {
            reason = $"{SocketReceivePump.Classify(ex)}: {ex.Message}";
        }
        finally
        {
            await linked.CancelAsync().ConfigureAwait(false);
            _socket.Dispose();
            if (sender is not null)
            {
                await sender.ConfigureAwait(false);
            }
            await pump.ConfigureAwait(false);
            await pipe.Reader.CompleteAsync().ConfigureAwait(false);
            if (added)
            {
                await _server.EnqueueCommandAsync(new RouteCommand { Kind = RouteCommandKind.RemovePeer, PeerId = Id }, CancellationToken.None).ConfigureAwait(false);
                LogDisconnected(_logger, Id, RemoteEndPoint, reason, Queued, Dropped, FramesSent);
            }
        }
    }

    private async Task<bool> HandshakeAsync(PipeReader reader, CancellationToken token)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(token);
        timeout.CancelAfter(_options.HandshakeTimeout);
        HelloBody hello;
        try
        {
            while (true)
            {
                var result = await reader.ReadAsync(timeout.Token).ConfigureAwait(false);
                var buffer = result.Buffer;
                var status = FrameReader.TryRead(ref buffer, _options.MaxBody, out var frame, out var error);
                if (status == OperationStatus.Done)
                {
                    if (frame.Type != FrameType.Hello)
                    {
                        reader.AdvanceTo(buffer.Start);
                        _server.CountHandshakeFailure();
                        LogHandshakeFailed(_logger, RemoteEndPoint, $"first frame was {frame.Type}, expected Hello");
                        await TrySendErrorAsync(ErrorCode.HandshakeRequired, $"The first frame must be Hello; got {frame.Type}.").ConfigureAwait(false);
                        return false;
                    }
                    hello = FrameBodies.ReadHello(frame.Body.FirstSpan.Length >= ProtocolConstants.HelloBodySize ? frame.Body.FirstSpan : frame.Body.ToArray());
                    reader.AdvanceTo(buffer.Start);
                    break;
                }
                if (status == OperationStatus.InvalidData)
                {
                    _server.CountHandshakeFailure();
                    LogHandshakeFailed(_logger, RemoteEndPoint, $"malformed first frame ({error}); is this a TcpShadow replicator?");
                    await TrySendErrorAsync(ErrorCode.MalformedFrame, $"Malformed frame: {error}.").ConfigureAwait(false);
                    return false;
                }
                reader.AdvanceTo(result.Buffer.Start, result.Buffer.End);
                if (result.IsCompleted)
                {
                    _server.CountHandshakeFailure();
                    LogHandshakeFailed(_logger, RemoteEndPoint, "closed before Hello");
                    return false;
                }
            }
        }
        catch (OperationCanceledException) when (!token.IsCancellationRequested)
        {
            _server.CountHandshakeFailure();
            LogHandshakeFailed(_logger, RemoteEndPoint, $"no Hello within {_options.HandshakeTimeout.TotalSeconds:0.#} s");
            return false;
        }
        if (hello.MinVersion > ProtocolConstants.MaxSupportedVersion || hello.MaxVersion < ProtocolConstants.MinSupportedVersion || hello.MinVersion > hello.MaxVersion)
        {
            _server.CountHandshakeFailure();
            LogUnsupportedVersion(_logger, RemoteEndPoint, hello.MinVersion, hello.MaxVersion, ProtocolConstants.MinSupportedVersion, ProtocolConstants.MaxSupportedVersion);
            await TrySendErrorAsync(ErrorCode.UnsupportedVersion,
                $"Protocol versions {hello.MinVersion}-{hello.MaxVersion} are not supported; this intercept speaks {ProtocolConstants.MinSupportedVersion}-{ProtocolConstants.MaxSupportedVersion}. Run matching tcpshadow and tcpshadow-intercept versions.").ConfigureAwait(false);
            return false;
        }
        InstanceId = hello.InstanceId;
        Volatile.Write(ref _lastReceiveMs, Environment.TickCount64);
        var output = new ArrayBufferWriter<byte>(64);
        new FrameWriter(output).WriteHelloAck(Math.Min(hello.MaxVersion, ProtocolConstants.MaxSupportedVersion), (uint)_options.MaxBody);
        await SendAsync(output.WrittenMemory, token).ConfigureAwait(false);
        return true;
    }

    private async Task<string> ReadLoopAsync(PipeReader reader, CancellationToken token)
    {
        var scratch = new byte[_options.MaxBody];
        while (true)
        {
            var result = await reader.ReadAsync(token).ConfigureAwait(false);
            var buffer = result.Buffer;
            Volatile.Write(ref _lastReceiveMs, Environment.TickCount64);
            OperationStatus status;
            while ((status = FrameReader.TryRead(ref buffer, _options.MaxBody, out var frame, out var error)) == OperationStatus.Done)
            {
                FramesReceived++;
                switch (frame.Type)
                {
                    case FrameType.Register or FrameType.Unregister:
                        await ApplyKeysAsync(frame, scratch, token).ConfigureAwait(false);
                        break;
                    case FrameType.Heartbeat:
                        break;
                    case FrameType.Error:
                        {
                            var code = FrameBodies.ReadError(frame.GetBodySpan(scratch), out var message);
                            LogPeerError(_logger, Id, RemoteEndPoint, code, message);
                            return $"peer sent Error {code}";
                        }
                    default:
                        _server.CountMalformed();
                        LogUnexpectedFrame(_logger, Id, RemoteEndPoint, frame.Type);
                        await TrySendErrorAsync(ErrorCode.UnexpectedFrame, $"A replicator must not send {frame.Type} frames.").ConfigureAwait(false);
                        return $"unexpected {frame.Type} frame";
                }
            }
            if (status == OperationStatus.InvalidData)
            {
                FrameReader.TryRead(ref buffer, _options.MaxBody, out _, out var error);
                _server.CountMalformed();
                LogMalformed(_logger, Id, RemoteEndPoint, error);
                await TrySendErrorAsync(ErrorCode.MalformedFrame, $"Malformed frame: {error}.").ConfigureAwait(false);
                return $"malformed frame ({error})";
            }
            reader.AdvanceTo(buffer.Start, buffer.End);
            if (result.IsCompleted)
            {
                return "closed by peer";
            }
        }
    }

    private async ValueTask ApplyKeysAsync(Frame frame, byte[] scratch, CancellationToken token)
    {
        var kind = frame.Type == FrameType.Register ? RouteCommandKind.Register : RouteCommandKind.Unregister;
        var body = frame.GetBodySpan(scratch);
        var count = new KeyBatchReader(body).Count;
        var index = 0;
        while (index < count)
        {
            index = EnqueueKeys(kind, frame.GetBodySpan(scratch), index);
            if (index < count)
            {
                // The command ring is full: the capture thread is behind. Back-pressure this replicator, not capture.
                await Task.Delay(1, token).ConfigureAwait(false);
            }
        }
        KeysReceived += count;
    }

    private int EnqueueKeys(RouteCommandKind kind, ReadOnlySpan<byte> body, int start)
    {
        var reader = new KeyBatchReader(body);
        var index = 0;
        while (reader.TryNext(out var key))
        {
            if (index++ < start)
            {
                continue;
            }
            if (!_server.TryEnqueueCommand(new RouteCommand { Kind = kind, PeerId = Id, Key = key }))
            {
                return index - 1;
            }
        }
        return index;
    }

    private async Task SendLoopAsync(CancellationTokenSource connection)
    {
        var token = connection.Token;
        var output = new ArrayBufferWriter<byte>(SendChunk + 128 * 1024);
        var writer = new FrameWriter(output);
        var heartbeatMs = (long)_options.HeartbeatInterval.TotalMilliseconds;
        var lastSendMs = Environment.TickCount64;
        try
        {
            while (!token.IsCancellationRequested)
            {
                while (output.WrittenCount < SendChunk && _ring.TryPeek(out var ts, out var record))
                {
                    writer.TryAppendResponse(ts, record);
                    _ring.Advance();
                }
                writer.EndBatch();
                if (output.WrittenCount > 0)
                {
                    await SendAsync(output.WrittenMemory, token).ConfigureAwait(false);
                    FramesSent = writer.FramesWritten;
                    RecordsSent = writer.RecordsWritten;
                    output.ResetWrittenCount();
                    lastSendMs = Environment.TickCount64;
                    continue;
                }
                Interlocked.Exchange(ref _senderIdle, 1);
                if (!_ring.IsEmpty)
                {
                    Volatile.Write(ref _senderIdle, 0);
                    continue;
                }
                var now = Environment.TickCount64;
                if (now - Volatile.Read(ref _lastReceiveMs) > (long)_options.PeerTimeout.TotalMilliseconds)
                {
                    LogPeerTimeout(_logger, Id, RemoteEndPoint, _options.PeerTimeout.TotalSeconds);
                    await connection.CancelAsync().ConfigureAwait(false);
                    return;
                }
                var wait = heartbeatMs - (now - lastSendMs);
                if (wait <= 0 || !await _signal.WaitAsync(TimeSpan.FromMilliseconds(wait), token).ConfigureAwait(false))
                {
                    Interlocked.Exchange(ref _senderIdle, 0);
                    if (Environment.TickCount64 - lastSendMs >= heartbeatMs)
                    {
                        writer.WriteHeartbeat(UnixNanoseconds());
                    }
                    continue;
                }
                Interlocked.Exchange(ref _senderIdle, 0);
            }
        }
        catch (OperationCanceledException)
        {
        }
        catch (Exception ex) when (ex is SocketException or IOException or ObjectDisposedException)
        {
            // A broken send ends the connection; the reader reports why.
            await connection.CancelAsync().ConfigureAwait(false);
        }
    }

    private async ValueTask SendAsync(ReadOnlyMemory<byte> bytes, CancellationToken token)
    {
        await _sendLock.WaitAsync(token).ConfigureAwait(false);
        try
        {
            while (!bytes.IsEmpty)
            {
                var sent = await _socket.SendAsync(bytes, SocketFlags.None, token).ConfigureAwait(false);
                bytes = bytes[sent..];
            }
        }
        finally
        {
            _sendLock.Release();
        }
    }

    private async ValueTask TrySendErrorAsync(ErrorCode code, string message)
    {
        var output = new ArrayBufferWriter<byte>(256);
        new FrameWriter(output).WriteError(code, message);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(1));
        try
        {
            await SendAsync(output.WrittenMemory, timeout.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or IOException or ObjectDisposedException)
        {
            // Best effort: the connection closes either way.
        }
    }

    internal static long UnixNanoseconds() => (DateTime.UtcNow.Ticks - DateTime.UnixEpoch.Ticks) * 100;
}
