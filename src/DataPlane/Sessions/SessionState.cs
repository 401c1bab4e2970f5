namespace TcpShadow.DataPlane.Sessions;

public enum SessionState : byte
{
    /// <summary>
    /// The client reused the 4-tuple while the copy of its previous connection is still being replayed: this session
    /// buffers what the client sends and starts when its predecessor finishes (the target cannot hold both at once).
    /// </summary>
    Deferred,

    /// <summary>Our SYN is out; waiting for the target's SYN-ACK.</summary>
    SynSent,
    Established,
    /// <summary>Both directions finished or a reset: kept briefly to absorb stragglers, then freed.</summary>
    Lingering,
}
