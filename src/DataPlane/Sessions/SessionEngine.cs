using System.Runtime.CompilerServices;
using TcpShadow.DataPlane.Feedback;
using TcpShadow.DataPlane.Packets;
using TcpShadow.DataPlane.Sending;

namespace TcpShadow.DataPlane.Sessions;

/// <summary>
/// The TCP session simulator of one shard: turns captured client segments into segments a real kernel on the target
/// accepts, using the target's response headers (from intercept) to learn its ISN, acknowledge what it sent, respect
/// its window, retransmit what it lost and pace each request after the previous response. Single-threaded: every
/// method runs on the owning shard's thread. Time is passed in (microseconds), never read, so every branch is testable.
/// </summary>
public sealed partial class SessionEngine<TSender>
    where TSender : struct, IPacketSender
{
    private readonly EngineOptions _options;
    private readonly TargetMap _map;
    private readonly ClientAddressPool? _clientPool;
    private readonly IRegistrar _registrar;
    private readonly Dictionary<FlowKey, Session> _byOnline = new();
    private readonly Dictionary<FlowKey, Session> _byTarget = new();
    private readonly Stack<Session> _free = new();
    private readonly PriorityQueue<SessionRef, long> _timers = new();
    private readonly List<SessionRef> _ackPending = new();
    // One packet under construction: the largest IPv6 + TCP header plus a jumbo payload.
    private readonly byte[] _packet = GC.AllocateArray<byte>(TcpPacketBuilder.MaxHeaderBytes + 65536, pinned: true);
    private readonly long _sessionTimeoutUs;
    private readonly long _keepAliveUs;
    private readonly long _lingerUs;
    private readonly long _minQuietUs;
    private readonly long _maxQuietUs;
    private readonly long _responseWaitUs;
    private const long SweepIntervalUs = 1_000_000;
    // The SYN's first retransmission timeout, RFC 6298's 1 s. 250 ms was tried: on a saturated replay box SYN-ACKs come
    // later than that, and the extra SYNs (and the target's answering SYN-ACKs) fed a storm that overflowed the rings.
    private const long InitialSynRtoUs = 1_000_000;
    private TSender _sender;
    private long _nextSweepUs;

    public SessionEngine(EngineOptions options, TargetMap map, ClientAddressPool? clientPool, IRegistrar registrar, TSender sender)
    {
        _options = options;
        _map = map;
        _clientPool = clientPool;
        _registrar = registrar;
        _sender = sender;
        _sessionTimeoutUs = ToUs(options.SessionTimeout);
        _keepAliveUs = ToUs(options.KeepAliveTimeout);
        _lingerUs = ToUs(options.Linger);
        _minQuietUs = ToUs(options.MinResponseQuiet);
        _maxQuietUs = ToUs(options.MaxResponseQuiet);
        _responseWaitUs = ToUs(options.ResponseWait);
    }

    public EngineCounters Counters { get; } = new();

    /// <summary>
    /// Set by the shard while responses wait in its ring: a due retransmission is postponed (not counted) until they
    /// are read, since the acknowledgement it would repeat for may be among them.
    /// </summary>
    public bool HoldRetransmits { get; set; }

    public int ActiveSessions => _byOnline.Count;

    /// <summary>The earliest timer, in the same microsecond clock the caller passes in; long.MaxValue when none.</summary>
    public long NextDeadline => Math.Min(_nextSweepUs, _timers.TryPeek(out _, out var at) ? at : long.MaxValue);

    private static long ToUs(TimeSpan span) => span.Ticks / TimeSpan.TicksPerMicrosecond;

    /// <summary>Handles one captured frame of the given link type.</summary>
    public void OnCapturedFrame(LinkType linkType, ReadOnlySpan<byte> frame, long nowUs, long captureUs)
    {
        Counters.PacketsCaptured++;
        var reason = PacketParser.Parse(linkType, frame, out var layout);
        if (reason != DropReason.None)
        {
            Counters.Drops[(int)reason]++;
            return;
        }
        if (layout.Outgoing)
        {
            Counters.Drops[(int)DropReason.Outgoing]++;
            return;
        }
        OnClientPacket(frame, layout, nowUs, captureUs);
    }

    /// <summary>Handles one parsed client→server packet.</summary>
    public void OnClientPacket(ReadOnlySpan<byte> frame, in PacketLayout layout, long nowUs, long captureUs)
    {
        var key = PacketParser.ReadKey(frame, layout);
        if (!_map.TryMap(key.Server, key.ServerPort, out var target, out var targetPort))
        {
            Counters.Drops[(int)DropReason.NotMapped]++;
            return;
        }
        Counters.ClientPackets++;
        var tcp = new TcpHeader(frame[layout.TcpOffset..]);
        var flags = tcp.Flags;
        _byOnline.TryGetValue(key, out var session);

        if ((flags & (TcpFlags.Syn | TcpFlags.Ack)) == TcpFlags.Syn)
        {
            Counters.ClientSyns++;
            OnClientSyn(session, key, target, targetPort, tcp, nowUs, captureUs);
            return;
        }
        if (session is null)
        {
            Counters.Drops[(int)DropReason.NoSession]++;
            return;
        }
        if (session.State == SessionState.Lingering)
        {
            Counters.Drops[(int)DropReason.AfterClose]++;
            // The copy ended (a reset or a timeout) but the client goes on: each new request it sends is lost, never silently.
            if (layout.PayloadLength > 0 && session.EndReason is { } ended && (!session.HaveDataAck || tcp.Ack != session.LastDataAck))
            {
                session.HaveDataAck = true;
                session.LastDataAck = tcp.Ack;
                CountLost(ended, 1);
            }
            return;
        }
        session.LastClientUs = nowUs;
        session.ClientWindow = tcp.Window;
        if (session.ClientTs && tcp.HeaderLength > TcpHeader.MinLength && TcpOptionReader.TryRead(tcp.Options, out var options) && options.HasTimestamps
            && (int)(options.TsVal - session.ClientTsVal) > 0)
        {
            session.ClientTsVal = options.TsVal;
        }
        if (session.QuietUs == 0 && (flags & TcpFlags.Ack) != 0 && captureUs > session.SynCaptureUs)
        {
            // The client's first ACK closes the captured handshake: its delay is the client's round trip.
            session.QuietUs = Math.Clamp(captureUs - session.SynCaptureUs, _minQuietUs, _maxQuietUs);
        }

        if ((flags & TcpFlags.Rst) != 0)
        {
            Counters.ClientRsts++;
            session.RstPending = true;
            if (!session.FinCaptured)
            {
                session.FinCaptured = true;
                session.FinSeq = session.CapturedEnd;
                session.FinGated = session.HaveDataAck;
            }
            TrySend(session, nowUs);
            Schedule(session);
            return;
        }

        var payload = frame.Slice(layout.PayloadOffset, layout.PayloadLength);
        if (payload.Length > 0)
        {
            AppendData(session, tcp.Sequence, tcp.Ack, payload);
        }
        if ((flags & TcpFlags.Fin) != 0)
        {
            Counters.ClientFins++;
            if (!session.FinCaptured)
            {
                session.FinCaptured = true;
                session.FinSeq = tcp.Sequence + (uint)payload.Length;
                // A FIN whose ack moved past the last request's ack came after a response: hold it like a request.
                session.FinGated = session.HaveDataAck && tcp.Ack != session.LastDataAck;
            }
        }
        else if (payload.Length == 0)
        {
            Counters.ClientPureAcksDropped++;
        }
        TrySend(session, nowUs);
        Schedule(session);
    }

    private void OnClientSyn(Session? existing, in FlowKey key, in FlowAddress target, ushort targetPort, TcpHeader tcp, long nowUs, long captureUs)
    {
        if (existing is not null)
        {
            if (existing.ClientIsn == tcp.Sequence && existing.State != SessionState.Lingering)
            {
                // The client retransmitted its SYN; ours has its own timer.
                Counters.Drops[(int)DropReason.Duplicate]++;
                return;
            }
            if (existing.State == SessionState.Lingering || (existing.State != SessionState.Deferred && !IsBusy(existing, nowUs)))
            {
                Retire(existing, nowUs);
            }
            else
            {
                // The copy lags production: the old connection (or one already waiting behind it) still has requests to
                // replay. The client has moved on, so nothing more arrives for it; the new connection queues behind it
                // and starts when it finishes, so a reused port never costs a request.
                _byOnline.Remove(key);
                Open(key, target, targetPort, tcp, nowUs, captureUs, existing);
                return;
            }
        }
        Open(key, target, targetPort, tcp, nowUs, captureUs, predecessor: null);
    }

    /// <summary>Whether a session is still replaying (requests or a FIN in flight) and the target is answering it.</summary>
    private bool IsBusy(Session s, long nowUs) =>
        (s.State == SessionState.SynSent || s.ReqTail - s.ReqHead - (s.HeadCounted ? 1 : 0) > 0 || s.BufferedBytes > 0 || (s.FinCaptured && !s.FinAcked))
        && nowUs - s.LastProgressUs < _sessionTimeoutUs;

    /// <summary>A new SYN reuses this 4-tuple: the kernel would accept it after TIME_WAIT, so the old session ends now.</summary>
    private void Retire(Session old, long nowUs)
    {
        if (old.State != SessionState.Lingering)
        {
            Counters.SessionsSuperseded++;
            if (old.State == SessionState.Established && !(old.TargetFin && old.FinSent))
            {
                SendControl(old, old.SndNxt, TcpFlags.Rst | TcpFlags.Ack);
            }
            Finish(old, LossReason.Superseded);
            old.Successor = null;
        }
        Free(old, unregister: false);
    }

    private void Open(in FlowKey key, in FlowAddress target, ushort targetPort, TcpHeader tcp, long nowUs, long captureUs, Session? predecessor)
    {
        if (_byOnline.Count >= _options.MaxSessions)
        {
            Counters.Drops[(int)DropReason.SessionTableFull]++;
            Counters.Lost[(int)LossReason.TableFull]++;
            Counters.RequestsLost++;
            return;
        }
        if (!TryChooseTargetKey(key, target, targetPort, out var targetKey))
        {
            Counters.Drops[(int)DropReason.SessionTableFull]++;
            Counters.Lost[(int)LossReason.TableFull]++;
            Counters.RequestsLost++;
            return;
        }
        var defer = predecessor is not null;
        if (!defer && _byTarget.TryGetValue(targetKey, out var clash))
        {
            // Two online servers mapped to one target with the same client endpoint: the older copy yields.
            Retire(clash, nowUs);
        }
        var session = _free.Count > 0 ? _free.Pop() : new Session();
        session.Reset();
        session.OnlineKey = key;
        session.TargetKey = targetKey;
        session.ClientIsn = tcp.Sequence;
        session.SndUna = session.SndNxt = session.CapturedEnd = tcp.Sequence + 1;
        session.ClientWindow = tcp.Window;
        session.SynCaptureUs = captureUs;
        session.LastClientUs = session.LastProgressUs = nowUs;
        var options = tcp.Options;
        var length = Math.Min(options.Length, session.SynOptions.Length);
        options[..length].CopyTo(session.SynOptions);
        session.SynOptionsLength = length;
        if (TcpOptionReader.TryRead(options, out var parsed))
        {
            session.ClientTs = parsed.HasTimestamps;
            session.ClientTsVal = parsed.TsVal;
            session.WscaleOk = parsed.HasWindowScale;
        }
        _byOnline[key] = session;
        Counters.SessionsOpened++;
        Counters.ActiveSessions = _byOnline.Count;
        if (defer)
        {
            Counters.SessionsDeferred++;
            session.State = SessionState.Deferred;
            session.Predecessor = predecessor;
            predecessor!.Successor = session;
            return;
        }
        StartTarget(session, nowUs);
    }

    /// <summary>Claims the target tuple, registers it with intercept and sends the SYN.</summary>
    private void StartTarget(Session session, long nowUs)
    {
        session.State = SessionState.SynSent;
        session.Predecessor = null;
        session.LastProgressUs = nowUs;
        _byTarget[session.TargetKey] = session;
        // Register before the SYN leaves: intercept parks a SYN-ACK that still beats the registration.
        if (!_registrar.TryRegister(session.TargetKey))
        {
            Counters.RegistrationDrops++;
        }
        session.Registered = true;
        session.RtoUs = InitialSynRtoUs;
        SendSyn(session, nowUs);
        Schedule(session);
    }

    private bool TryChooseTargetKey(in FlowKey key, in FlowAddress target, ushort targetPort, out FlowKey targetKey)
    {
        if (_clientPool is null)
        {
            targetKey = new FlowKey(key.Client, key.ClientPort, target, targetPort);
            return true;
        }
        var first = _clientPool.PreferredIndex(key.Client);
        for (var i = 0; i < _clientPool.Count; i++)
        {
            var index = (first + i) % _clientPool.Count;
            var candidate = new FlowKey(_clientPool[index], key.ClientPort, target, targetPort);
            if (!_byTarget.TryGetValue(candidate, out var live) || live.State == SessionState.Lingering || live.OnlineKey == key)
            {
                targetKey = candidate;
                return true;
            }
        }
        targetKey = default;
        return false;
    }

    private void AppendData(Session s, uint seq, uint ack, ReadOnlySpan<byte> payload)
    {
        var end = seq + (uint)payload.Length;
        if (s.FinCaptured)
        {
            Counters.Drops[(int)DropReason.AfterClose]++;
            return;
        }
        if (SeqLeq(end, s.CapturedEnd))
        {
            Counters.Drops[(int)DropReason.Duplicate]++;
            return;
        }
        if (SeqGt(seq, s.CapturedEnd))
        {
            // A gap: capture missed a segment the online server got, so no client retransmission will fill it. The bytes
            // after it cannot reach the target on this connection; each request among them is counted lost.
            Counters.Drops[(int)DropReason.OutOfOrder]++;
            if (!s.HaveGapAck || ack != s.GapAck)
            {
                s.HaveGapAck = true;
                s.GapAck = ack;
                CountLost(LossReason.CaptureGap, 1);
            }
            return;
        }
        var skip = (int)(s.CapturedEnd - seq);
        if (skip == 0 && (!s.HaveDataAck || ack != s.LastDataAck))
        {
            // The client's ack moved since its last data: it saw a response, so this segment starts a new request.
            s.AddRequest(seq);
            Counters.RequestsCaptured++;
        }
        s.HaveDataAck = true;
        s.LastDataAck = ack;
        var bytes = payload[skip..];
        EnsureCapacity(s, bytes.Length);
        bytes.CopyTo(s.Buffer.AsSpan(s.BufferHead + s.BufferedBytes));
        s.CapturedEnd += (uint)bytes.Length;
        if (!_options.GateRequests)
        {
            s.ReqReleased = s.ReqTail;
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void EnsureCapacity(Session s, int extra)
    {
        var used = s.BufferedBytes;
        if (s.BufferHead + used + extra <= s.Buffer.Length)
        {
            return;
        }
        if (used + extra <= s.Buffer.Length && s.BufferHead > 0)
        {
            s.Buffer.AsSpan(s.BufferHead, used).CopyTo(s.Buffer);
            s.BufferHead = 0;
            return;
        }
        var size = Math.Max(2048, s.Buffer.Length);
        while (size < used + extra)
        {
            size *= 2;
        }
        var bigger = new byte[size];
        s.Buffer.AsSpan(s.BufferHead, used).CopyTo(bigger);
        s.Buffer = bigger;
        s.BufferHead = 0;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static bool SeqLt(uint a, uint b) => (int)(a - b) < 0;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static bool SeqLeq(uint a, uint b) => (int)(a - b) <= 0;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static bool SeqGt(uint a, uint b) => (int)(a - b) > 0;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static bool SeqGeq(uint a, uint b) => (int)(a - b) >= 0;

    private readonly record struct SessionRef(Session Session, int Generation)
    {
        public bool IsLive => Session.Generation == Generation;
    }
}
