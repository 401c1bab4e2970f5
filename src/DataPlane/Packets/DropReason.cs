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
    Duplicate,
    SendError,
    /// <summary>A packet this host sent (a cooked capture's outgoing mark), e.g. our own copies.</summary>
    Outgoing,
    /// <summary>Client data beyond a gap in what was captured.</summary>
    OutOfOrder,
    /// <summary>Client data or flags after the session finished.</summary>
    AfterClose,
    Count,
}
