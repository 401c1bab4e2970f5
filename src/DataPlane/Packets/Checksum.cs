using System.Buffers.Binary;
using System.Runtime.CompilerServices;

namespace TcpShadow.DataPlane.Packets;

/// <summary>The Internet checksum (RFC 1071), in full and incrementally (RFC 1624).</summary>
public static class Checksum
{
    /// <summary>Adds 16-bit big-endian words of <paramref name="data"/> to a 32-bit running sum (not folded).</summary>
    public static uint Add(uint sum, ReadOnlySpan<byte> data)
    {
        ulong acc = sum;
        var i = 0;
        // 8 bytes at a time: each 64-bit word adds four 16-bit words; carries are folded at the end.
        for (; i + 8 <= data.Length; i += 8)
        {
            var w = BinaryPrimitives.ReadUInt64BigEndian(data[i..]);
            acc += (w >> 48) + ((w >> 32) & 0xFFFF) + ((w >> 16) & 0xFFFF) + (w & 0xFFFF);
        }
        for (; i + 2 <= data.Length; i += 2)
        {
            acc += BinaryPrimitives.ReadUInt16BigEndian(data[i..]);
        }
        if (i < data.Length)
        {
            acc += (uint)data[i] << 8;
        }
        while ((acc >> 32) != 0)
        {
            acc = (acc & 0xFFFF_FFFF) + (acc >> 32);
        }
        return (uint)acc;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ushort Fold(uint sum)
    {
        sum = (sum & 0xFFFF) + (sum >> 16);
        sum = (sum & 0xFFFF) + (sum >> 16);
        return (ushort)~sum;
    }

    /// <summary>The checksum of an IPv4 header whose checksum field is zero or is to be ignored.</summary>
    public static ushort Ipv4Header(ReadOnlySpan<byte> header)
    {
        var sum = Add(0, header[..Packets.Ipv4Header.ChecksumOffset]);
        sum = Add(sum, header[(Packets.Ipv4Header.ChecksumOffset + 2)..]);
        return Fold(sum);
    }

    /// <summary>The TCP checksum over an IPv4 pseudo-header and the segment, ignoring the segment's checksum field.</summary>
    public static ushort TcpIpv4(uint source, uint destination, ReadOnlySpan<byte> segment)
    {
        uint sum = (source >> 16) + (source & 0xFFFF) + (destination >> 16) + (destination & 0xFFFF)
            + Packets.Ipv4Header.ProtocolTcp + (uint)segment.Length;
        sum = Add(sum, segment[..TcpHeader.ChecksumOffset]);
        sum = Add(sum, segment[(TcpHeader.ChecksumOffset + 2)..]);
        return Fold(sum);
    }

    /// <summary>The TCP checksum over an IPv6 pseudo-header and the segment, ignoring the segment's checksum field.</summary>
    public static ushort TcpIpv6(ReadOnlySpan<byte> source, ReadOnlySpan<byte> destination, ReadOnlySpan<byte> segment)
    {
        var sum = Add(0, source);
        sum = Add(sum, destination);
        sum += (uint)segment.Length + Packets.Ipv4Header.ProtocolTcp;
        sum = Add(sum, segment[..TcpHeader.ChecksumOffset]);
        sum = Add(sum, segment[(TcpHeader.ChecksumOffset + 2)..]);
        return Fold(sum);
    }

    /// <summary>RFC 1624 eqn. 3: HC' = ~(~HC + ~m + m') for one 16-bit field changing from m to m'.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ushort Update16(ushort checksum, ushort oldValue, ushort newValue)
    {
        uint sum = (uint)(ushort)~checksum + (ushort)~oldValue + newValue;
        sum = (sum & 0xFFFF) + (sum >> 16);
        sum = (sum & 0xFFFF) + (sum >> 16);
        return (ushort)~sum;
    }

    /// <summary>RFC 1624 for a 32-bit field (an address, a sequence or an ack number).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ushort Update32(ushort checksum, uint oldValue, uint newValue)
    {
        uint sum = (uint)(ushort)~checksum
            + (ushort)~(oldValue >> 16) + (ushort)~oldValue
            + (newValue >> 16) + (newValue & 0xFFFF);
        sum = (sum & 0xFFFF) + (sum >> 16);
        sum = (sum & 0xFFFF) + (sum >> 16);
        return (ushort)~sum;
    }
}
