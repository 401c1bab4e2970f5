using System.Buffers.Binary;

namespace TcpShadow.DataPlane.Packets;

/// <summary>A view over an Ethernet II frame with at most one 802.1Q/802.1ad tag.</summary>
public readonly ref struct EthernetFrame
{
    public const int HeaderLength = 14;
    public const int VlanTagLength = 4;
    public const ushort EtherTypeIpv4 = 0x0800;
    public const ushort EtherTypeIpv6 = 0x86DD;
    public const ushort EtherTypeVlan = 0x8100;
    public const ushort EtherTypeQinQ = 0x88A8;

    private const int EtherTypeOffset = 12;

    private readonly ReadOnlySpan<byte> _frame;

    public EthernetFrame(ReadOnlySpan<byte> frame) => _frame = frame;

    public ReadOnlySpan<byte> Destination => _frame[..6];

    public ReadOnlySpan<byte> Source => _frame.Slice(6, 6);

    /// <summary>Finds the network-layer payload; false when the frame is shorter than its header.</summary>
    public bool TryGetPayload(out ushort etherType, out int payloadOffset)
    {
        // Unsigned compare: a negative or short length fails the one check.
        if ((uint)_frame.Length < HeaderLength)
        {
            etherType = 0;
            payloadOffset = 0;
            return false;
        }
        etherType = BinaryPrimitives.ReadUInt16BigEndian(_frame[EtherTypeOffset..]);
        payloadOffset = HeaderLength;
        if (etherType is EtherTypeVlan or EtherTypeQinQ)
        {
            if ((uint)_frame.Length < HeaderLength + VlanTagLength)
            {
                return false;
            }
            etherType = BinaryPrimitives.ReadUInt16BigEndian(_frame[(EtherTypeOffset + VlanTagLength)..]);
            payloadOffset = HeaderLength + VlanTagLength;
        }
        return true;
    }
}
