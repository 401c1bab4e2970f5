using System.Buffers.Binary;

namespace TcpShadow.DataPlane.Packets;

/// <summary>
/// Views over the Linux "cooked" capture headers that libpcap produces on the <c>any</c> device:
/// SLL (16 bytes, protocol at offset 14) and SLL2 (20 bytes, protocol at offset 0).
/// </summary>
public static class LinuxCookedHeader
{
    public const int SllLength = 16;
    public const int Sll2Length = 20;

    /// <summary>sll_pkttype 4: the packet was sent by this host (PACKET_OUTGOING).</summary>
    public const ushort PacketOutgoing = 4;

    private const int SllProtocolOffset = 14;

    public static bool TryGetSllPayload(ReadOnlySpan<byte> frame, out ushort protocol, out ushort packetType) =>
        TryGetSllPayload(frame, out protocol, out packetType, out _);

    /// <summary>
    /// Reads an SLL header. libpcap re-inserts a stripped 802.1Q/802.1ad tag into SLL (not SLL2) captures
    /// at offset 14, so a tagged packet has protocol 0x8100 there and its real protocol 4 bytes on; the
    /// payload then starts at 20, not 16.
    /// </summary>
    public static bool TryGetSllPayload(ReadOnlySpan<byte> frame, out ushort protocol, out ushort packetType, out int payloadOffset)
    {
        // Unsigned compare: one check covers any short frame.
        if ((uint)frame.Length < SllLength)
        {
            protocol = 0;
            packetType = 0;
            payloadOffset = 0;
            return false;
        }
        packetType = BinaryPrimitives.ReadUInt16BigEndian(frame);
        protocol = BinaryPrimitives.ReadUInt16BigEndian(frame[SllProtocolOffset..]);
        payloadOffset = SllLength;
        if (protocol is EthernetFrame.EtherTypeVlan or EthernetFrame.EtherTypeQinQ)
        {
            if ((uint)frame.Length < SllLength + EthernetFrame.VlanTagLength)
            {
                return false;
            }
            protocol = BinaryPrimitives.ReadUInt16BigEndian(frame[(SllProtocolOffset + EthernetFrame.VlanTagLength)..]);
            payloadOffset = SllLength + EthernetFrame.VlanTagLength;
        }
        return true;
    }

    public static bool TryGetSll2Payload(ReadOnlySpan<byte> frame, out ushort protocol, out ushort packetType)
    {
        if ((uint)frame.Length < Sll2Length)
        {
            protocol = 0;
            packetType = 0;
            return false;
        }
        protocol = BinaryPrimitives.ReadUInt16BigEndian(frame);
        packetType = frame[10];
        return true;
    }
}
