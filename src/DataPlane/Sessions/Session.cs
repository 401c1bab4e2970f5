using TcpShadow.DataPlane.Packets;

namespace TcpShadow.DataPlane.Sessions;

/// <summary>
/// One copied connection. All sequence numbers are in the client's space (the captured ones, unchanged);
/// <see cref="RcvNxt"/> is in the target's. Owned by one shard thread.
/// </summary>
internal sealed class Session
{
    public FlowKey OnlineKey;
    public FlowKey TargetKey;
    public SessionState State;
    public int Generation;

    // Client side (what we send).
    public uint ClientIsn;
    public uint SndUna;
    public uint SndNxt;
    public uint CapturedEnd;
    public byte[] Buffer = [];
    public int BufferHead;
    public bool FinCaptured;
    public bool FinGated;
    public uint FinSeq;
    public bool FinSent;
    public bool FinAcked;
    public bool HeadCounted;
    public bool RstPending;
    public byte[] SynOptions = new byte[40];
    public int SynOptionsLength;
    public ushort ClientWindow;
    public bool ClientTs;
    public uint ClientTsVal;
    public uint LastDataAck;
    public bool HaveDataAck;

    // Target side (what intercept reports).
    public uint RcvNxt;
    public uint TargetWindow;
    public byte TargetWscale;
    public bool WscaleOk;
    public int SendMss;
    public bool TsOk;
    public uint TargetTsVal;
    public bool TargetFin;
    public bool AckPending;
    public bool AckListed;
    public uint LastAckSent;
    public long AckDeadline = long.MaxValue;

    // Requests: absolute indices into a ring of request start sequence numbers.
    public uint[] RequestStarts = new uint[8];
    public int ReqHead;
    public int ReqReleased;
    public int ReqTail;
    public bool ResponseSinceRelease;
    public bool ResponsePushed;
    public long LastResponseUs;
    public long WaitStartUs;

    // Timing.
    public long SynCaptureUs;
    public long QuietUs;
    public long SrttUs;
    public long RttVarUs;
    public long RtoUs;
    public int Retries;
    public long RtoDeadline;
    public uint RttSeq;
    public long RttSentUs;
    public bool RttTiming;
    public long LastClientUs;
    public long LastProgressUs;
    public long LingerUntil;
    public long ScheduledAt = long.MaxValue;

    public bool Registered;
    public LossReason? EndReason;
    public bool HaveGapAck;
    public uint GapAck;
    public Session? Successor;
    public Session? Predecessor;
    public ushort IpId;

    public int BufferedBytes => (int)(CapturedEnd - SndUna) > 0 ? (int)(CapturedEnd - SndUna) : 0;

    public int PendingRequests => ReqTail - ReqHead;

    public void Reset()
    {
        State = SessionState.SynSent;
        Generation++;
        SndUna = SndNxt = CapturedEnd = ClientIsn = 0;
        BufferHead = 0;
        FinCaptured = FinGated = FinSent = FinAcked = HeadCounted = RstPending = false;
        FinSeq = 0;
        SynOptionsLength = 0;
        ClientWindow = 0;
        ClientTs = false;
        ClientTsVal = LastDataAck = 0;
        HaveDataAck = false;
        RcvNxt = TargetWindow = 0;
        TargetWscale = 0;
        WscaleOk = false;
        SendMss = 536;
        TsOk = false;
        TargetTsVal = 0;
        TargetFin = AckPending = AckListed = false;
        LastAckSent = 0;
        AckDeadline = long.MaxValue;
        ReqHead = ReqReleased = ReqTail = 0;
        ResponseSinceRelease = ResponsePushed = false;
        LastResponseUs = WaitStartUs = 0;
        SynCaptureUs = QuietUs = SrttUs = RttVarUs = 0;
        RtoUs = 1_000_000;
        Retries = 0;
        RtoDeadline = long.MaxValue;
        RttTiming = false;
        LastClientUs = LastProgressUs = 0;
        LingerUntil = long.MaxValue;
        ScheduledAt = long.MaxValue;
        Registered = false;
        EndReason = null;
        HaveGapAck = false;
        GapAck = 0;
        Successor = Predecessor = null;
    }

    public uint RequestStart(int absoluteIndex) => RequestStarts[absoluteIndex & (RequestStarts.Length - 1)];

    public void AddRequest(uint start)
    {
        if (ReqTail - ReqHead == RequestStarts.Length)
        {
            var bigger = new uint[RequestStarts.Length * 2];
            for (var i = ReqHead; i < ReqTail; i++)
            {
                bigger[i & (bigger.Length - 1)] = RequestStart(i);
            }
            RequestStarts = bigger;
        }
        RequestStarts[ReqTail & (RequestStarts.Length - 1)] = start;
        ReqTail++;
    }
}
