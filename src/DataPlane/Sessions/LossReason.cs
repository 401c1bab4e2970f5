namespace TcpShadow.DataPlane.Sessions;

/// <summary>Why a copied request did not reach the target; each is a counter and a metric label.</summary>
public enum LossReason : byte
{
    /// <summary>The target reset the connection with captured requests still unacknowledged.</summary>
    TargetReset,
    /// <summary>The target never completed the handshake within the retransmission limit.</summary>
    HandshakeFailed,
    /// <summary>Data was retransmitted to the limit without an acknowledgement.</summary>
    RetransmitLimit,
    /// <summary>No progress from the target within the session timeout (-t).</summary>
    ResponseTimeout,
    /// <summary>The client went idle past the keep-alive timeout (-k) with data pending.</summary>
    IdleTimeout,
    /// <summary>A new SYN on the same 4-tuple replaced a session that still had data pending.</summary>
    Superseded,
    /// <summary>Captured data had a gap (a capture drop) that never filled.</summary>
    CaptureGap,
    /// <summary>The session table was full.</summary>
    TableFull,
    Count,
}
