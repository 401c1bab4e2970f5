namespace TcpShadow.DataPlane.Packets;

/// <summary>Where the layers of one captured TCP packet sit in its buffer; offsets are from the frame's start.</summary>
public struct PacketLayout
{
    public int IpOffset;
    public int IpHeaderLength;
    /// <summary>Bytes of the IP packet (header, TCP header, payload) as its header states, clipped to what was captured.</summary>
    public int IpLength;
    public int TcpOffset;
    public int TcpHeaderLength;
    public int PayloadOffset;
    public int PayloadLength;
    public byte IpVersion;
    /// <summary>True when a cooked (SLL/SLL2) header marks the packet as sent by this host.</summary>
    public bool Outgoing;
}
