namespace TcpShadow.DataPlane.Packets;

/// <summary>Why a packet was not used. Each value is a counter and a metric label; none is an exception.</summary>
public enum DropReason : byte
{
    None = 0,
    TruncatedLinkHeader,
    UnsupportedLinkType,
    NotIp,
    TruncatedIpHeader,
    BadIpVersion,
    BadIpHeaderLength,
    BadIpTotalLength,
    IpFragment,
    NotTcp,
    TruncatedTcpHeader,
    BadTcpHeaderLength,
    BadTcpOptions,
    NotMapped,
    NoSession,
    SessionTableFull,
    BufferPoolEmpty,
    QueueFull,
    Duplicate,
    SendError,
    Sampled,
    Count,
}
