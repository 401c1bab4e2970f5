using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using TcpShadow.DataPlane.Packets;
using TcpShadow.DataPlane.Sharding;
using TcpShadow.Intercept.Capture;
using TcpShadow.Intercept.Routing;

namespace TcpShadow.Intercept.Service;

/// <summary>
/// The intercept service: accepts replicator connections, captures the target's responses on one dedicated thread,
/// routes each to the replicator that registered its tuple, and parks SYN-ACKs and RSTs that beat their registration.
/// </summary>
/// <remarks>
/// Threads: the capture thread owns the <see cref="RouteTable"/> and the peer map; connections hand it registrations
/// through a bounded MPSC ring, so the per-response path takes no lock and allocates nothing. Each peer's sender runs
/// on the thread pool and drains that peer's bounded queue, so a slow replicator only loses its own responses.
/// </remarks>
public sealed partial class InterceptServer : IAsyncDisposable
{
    private const int CommandRingCapacity = 1 << 16;

    // Housekeeping (parked expiry, route sweep) period on the capture thread.
    private const long ExpireIntervalMs = 50;

    private readonly InterceptServerOptions _options;
    private readonly IResponseCaptureSource _capture;
    private readonly ILogger<InterceptServer> _logger;
    private readonly ILogger _peerLogger;
    private readonly RouteTable _routes;
    private readonly BoundedRing<RouteCommand> _commands = new(CommandRingCapacity);
    private readonly Dictionary<int, InterceptPeer> _peers = [];
    private readonly ConcurrentDictionary<int, InterceptPeer> _connections = new();
    private readonly ConcurrentDictionary<int, Task> _peerTasks = new();
    private readonly long[] _parseDrops = new long[(int)DropReason.Count];
    private readonly CancellationTokenSource _stopping = new();
    private readonly TaskCompletionSource _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Socket? _listener;
    private Thread? _captureThread;
    private Task? _acceptLoop;
    private Task? _statsLoop;
    private int _nextPeerId;
    private long _retiredPeerDrops;
    private long _malformed;
    private long _handshakeFailures;
    private int _disposed;

    public InterceptServer(InterceptServerOptions options, IResponseCaptureSource capture, ILoggerFactory loggerFactory)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(capture);
        ArgumentNullException.ThrowIfNull(loggerFactory);
        _options = options;
        _capture = capture;
        _logger = loggerFactory.CreateLogger<InterceptServer>();
        _peerLogger = loggerFactory.CreateLogger("TcpShadow.Intercept.Service.InterceptPeer");
        _routes = new RouteTable(new RouteTableOptions
        {
            RouteTtl = options.RouteTtl,
            ParkTimeout = options.ParkTimeout,
            ParkCapacity = options.ParkCapacity,
            MaxRecordLength = options.MaxRecordLength,
        });
    }

    /// <summary>The bound endpoint (the real port when <see cref="InterceptServerOptions.Port"/> is 0).</summary>
    public IPEndPoint LocalEndPoint => (IPEndPoint)(_listener?.LocalEndPoint ?? throw new InvalidOperationException("Start the server first."));

    /// <summary>Completes when the service stops; faults when the capture loop fails.</summary>
    public Task Completion => _completion.Task;

    public long Captured { get; private set; }

    public long ParseDrops
    {
        get
        {
            long sum = 0;
            foreach (var n in _parseDrops)
            {
                sum += n;
            }
            return sum;
        }
    }

    /// <summary>Captured packets not parsed as a response, for one reason (read at scrape; written by the capture thread).</summary>
    public long ParseDropsFor(DropReason reason) => _parseDrops[(int)reason];

    public long OutgoingIgnored { get; private set; }

    /// <summary>Connections replicators registered, over the service's lifetime.</summary>
    public long Registrations => _routes.Registered;

    public long Routed => _routes.Routed;

    public long Parked => _routes.Parked;

    public long ParkedDelivered => _routes.ParkedDelivered;

    public long ParkOverflow => _routes.ParkOverflow;

    public long ParkExpired => _routes.ParkExpired;

    public long Unroutable => _routes.Unroutable;

    public long Expired => _routes.Expired;

    public int Routes => _routes.Count;

    /// <summary>Responses dropped because a replicator's queue was full, over all peers past and present.</summary>
    public long PeerDrops
    {
        get
        {
            var sum = Interlocked.Read(ref _retiredPeerDrops);
            foreach (var peer in _connections.Values)
            {
                sum += peer.Dropped;
            }
            return sum;
        }
    }

    public int Peers => _connections.Count;

    /// <summary>Fills <paramref name="into"/> with each connected replicator's queue drops, keyed by its remote endpoint (for the metrics scrape).</summary>
    public void CollectPeerDrops(Dictionary<string, long> into)
    {
        ArgumentNullException.ThrowIfNull(into);
        foreach (var peer in _connections.Values)
        {
            into[peer.RemoteEndPoint] = peer.Dropped;
        }
    }

    public long MalformedFrames => Interlocked.Read(ref _malformed);

    public long HandshakeFailures => Interlocked.Read(ref _handshakeFailures);

    /// <summary>Binds the listener and starts the capture thread; bind errors throw with the fix in the message.</summary>
    public void Start()
    {
        var listener = new Socket(_options.BindAddress.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            listener.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
            listener.Bind(new IPEndPoint(_options.BindAddress, _options.Port));
            listener.Listen(64);
        }
        catch (SocketException ex)
        {
            listener.Dispose();
            throw new InvalidOperationException(
                $"-b {_options.BindAddress} -p {_options.Port}: cannot listen ({ex.SocketErrorCode}: {ex.Message}). Pick a free port with -p or an address of this host with -b.", ex);
        }
        _listener = listener;
        LogListening(_logger, LocalEndPoint.ToString(), _options.PayloadBytes, _options.RouteTtl.TotalSeconds);
        _captureThread = new Thread(static s => ((InterceptServer)s!).CaptureLoop())
        {
            IsBackground = true,
            Name = "tsh-intercept-capture",
        };
        _captureThread.UnsafeStart(this);
        _acceptLoop = AcceptLoopAsync();
        _statsLoop = StatsLoopAsync();
    }

    public async Task StopAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }
        await _stopping.CancelAsync().ConfigureAwait(false);
        _listener?.Dispose();
        if (_acceptLoop is not null)
        {
            await _acceptLoop.ConfigureAwait(false);
        }
        foreach (var peer in _connections.Values)
        {
            peer.Abort();
        }
        await Task.WhenAll(_peerTasks.Values).ConfigureAwait(false);
        _captureThread?.Join();
        if (_statsLoop is not null)
        {
            await _statsLoop.ConfigureAwait(false);
        }
        _capture.Dispose();
        LogStopped(_logger, Captured, Routed, PeerDrops);
        _completion.TrySetResult();
    }

    public ValueTask DisposeAsync() => new(StopAsync());

    internal bool TryEnqueueCommand(in RouteCommand command) => _commands.TryEnqueue(command);

    internal async ValueTask EnqueueCommandAsync(RouteCommand command, CancellationToken token)
    {
        while (!_commands.TryEnqueue(command))
        {
            await Task.Delay(1, token).ConfigureAwait(false);
        }
    }

    internal void CountMalformed() => Interlocked.Increment(ref _malformed);

    internal void CountHandshakeFailure() => Interlocked.Increment(ref _handshakeFailures);

    private void CaptureLoop()
    {
        try
        {
            var linkType = _capture.LinkType;
            var lastExpire = Environment.TickCount64;
            while (!_stopping.IsCancellationRequested)
            {
                var now = Environment.TickCount64;
                DrainCommands(now);
                var status = _capture.Read(out var frame, out var timestampNs);
                if (status == CaptureReadStatus.Packet)
                {
                    Captured++;
                    HandleResponse(linkType, frame, timestampNs, now);
                }
                else if (status == CaptureReadStatus.Closed)
                {
                    if (!_stopping.IsCancellationRequested)
                    {
                        LogCaptureClosed(_logger);
                        _completion.TrySetException(new InvalidOperationException("The capture source closed; responses are no longer routed."));
                    }
                    return;
                }
                if (now - lastExpire >= ExpireIntervalMs)
                {
                    _routes.Expire(now);
                    lastExpire = now;
                }
            }
        }
        catch (Exception ex)
        {
            // Never swallowed: the service stops loudly rather than silently routing nothing.
            LogCaptureFault(_logger, ex);
            _completion.TrySetException(ex);
        }
    }

    private void HandleResponse(LinkType linkType, ReadOnlySpan<byte> frame, long timestampNs, long nowMs)
    {
        var reason = PacketParser.Parse(linkType, frame, out var layout);
        if (reason != DropReason.None)
        {
            _parseDrops[(int)reason]++;
            return;
        }
        if (layout.Outgoing)
        {
            OutgoingIgnored++;
            return;
        }
        var key = PacketParser.ReadReverseKey(frame, layout);
        var recordLength = layout.IpHeaderLength + layout.TcpHeaderLength + Math.Min(_options.PayloadBytes, layout.PayloadLength);
        var record = frame.Slice(layout.IpOffset, recordLength);
        var flags = (TcpFlags)frame[layout.TcpOffset + TcpHeader.FlagsOffset];
        // A SYN-ACK or RST often beats its registration (the replicator sends the SYN and registers concurrently).
        var parkable = (flags & (TcpFlags.Syn | TcpFlags.Ack)) == (TcpFlags.Syn | TcpFlags.Ack) || (flags & TcpFlags.Rst) != 0;
        if (_routes.Route(key, record, timestampNs, parkable, nowMs, out var peerId) == RouteResult.Routed
            && _peers.TryGetValue(peerId, out var peer))
        {
            peer.TryEnqueue(timestampNs, record);
        }
    }

    private void DrainCommands(long nowMs)
    {
        while (_commands.TryDequeue(out var command))
        {
            switch (command.Kind)
            {
                case RouteCommandKind.AddPeer:
                    _peers[command.PeerId] = command.Peer!;
                    break;
                case RouteCommandKind.RemovePeer:
                    _peers.Remove(command.PeerId);
                    _routes.RemovePeer(command.PeerId);
                    break;
                case RouteCommandKind.Register:
                    if (_peers.TryGetValue(command.PeerId, out var peer))
                    {
                        _routes.Add(command.Key, command.PeerId, nowMs);
                        while (_routes.TryTakeParked(command.Key, out var timestampNs, out var record))
                        {
                            peer.TryEnqueue(timestampNs, record);
                        }
                    }
                    break;
                case RouteCommandKind.Unregister:
                    _routes.Remove(command.Key, command.PeerId);
                    break;
            }
        }
    }

    private async Task AcceptLoopAsync()
    {
        var token = _stopping.Token;
        while (!token.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await _listener!.AcceptAsync(token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException)
            {
                return;
            }
            catch (SocketException ex)
            {
                LogAcceptFailed(_logger, ex.SocketErrorCode.ToString());
                continue;
            }
            socket.NoDelay = true;
            var id = Interlocked.Increment(ref _nextPeerId);
            var peer = new InterceptPeer(id, socket, this, _options, _peerLogger);
            _connections[id] = peer;
            _peerTasks[id] = RunPeerAsync(peer);
        }
    }

    private async Task RunPeerAsync(InterceptPeer peer)
    {
        await Task.Yield();
        try
        {
            await peer.RunAsync(_stopping.Token).ConfigureAwait(false);
        }
        finally
        {
            _connections.TryRemove(peer.Id, out _);
            Interlocked.Add(ref _retiredPeerDrops, peer.Dropped);
            _peerTasks.TryRemove(peer.Id, out _);
        }
    }

    private async Task StatsLoopAsync()
    {
        using var timer = new PeriodicTimer(_options.StatsInterval);
        try
        {
            while (await timer.WaitForNextTickAsync(_stopping.Token).ConfigureAwait(false))
            {
                LogStats(_logger, Captured, Routed, Parked, ParkedDelivered, Unroutable, ParkOverflow + ParkExpired, Expired, Routes, Peers, PeerDrops, ParseDrops, MalformedFrames);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }
}
