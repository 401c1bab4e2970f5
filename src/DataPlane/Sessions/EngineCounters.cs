using TcpShadow.DataPlane.Packets;

namespace TcpShadow.DataPlane.Sessions;

/// <summary>
/// Per-shard counters: plain fields written only by the shard thread and read (possibly torn-free on 64-bit, never
/// locked) by the stats line and the metrics scrape.
/// </summary>
public sealed class EngineCounters
{
    public long PacketsCaptured;
    public long ClientPackets;
    public long ClientSyns;
    public long ClientFins;
    public long ClientRsts;
    public long ClientPureAcksDropped;
    public long PacketsSent;
    public long BytesSent;
    public long SendErrors;
    /// <summary>The errno of the most recent failed send, for the log line that reports send errors.</summary>
    public int LastSendErrno;
    public long Retransmits;
    public long SynRetransmits;
    public long Responses;
    public long ResponsesStale;
    public long ResponsesNoSession;
    public long ResponseRingDrops;
    public long SessionsOpened;
    public long SessionsEstablished;
    public long SessionsCompleted;
    public long SessionsReset;
    public long SessionsTimedOut;
    public long SessionsSuperseded;
    public long SessionsDeferred;
    public long TimeWaitResets;
    public long RequestsCaptured;
    public long RequestsCopied;
    public long RequestsReleasedWithoutResponse;
    public long RequestsLost;
    public long RegistrationDrops;
    public long ActiveSessions;
    /// <summary>Round trips to the target and back through intercept: sum (µs) and count of RTT samples.</summary>
    public long RttSumUs;
    public long RttSamples;
    public readonly long[] Drops = new long[(int)DropReason.Count];
    public readonly long[] Lost = new long[(int)LossReason.Count];
}
