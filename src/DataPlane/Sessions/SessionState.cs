namespace TcpShadow.DataPlane.Sessions;

public enum SessionState : byte
{
    /// <summary>Our SYN is out; waiting for the target's SYN-ACK.</summary>
    SynSent,
    Established,
    /// <summary>Both directions finished or a reset: kept briefly to absorb stragglers, then freed.</summary>
    Lingering,
}
