using System.Buffers.Binary;
using System.Runtime.CompilerServices;

namespace TcpShadow.DataPlane.Packets;

/// <summary>
/// In-place rewrites of a parsed IPv4/TCP packet, each keeping the IP and TCP checksums valid incrementally
/// (RFC 1624) instead of summing the packet again.
/// </summary>
public static class PacketRewriter
{
    /// <summary>Replaces the IPv4 source address; updates the IP header checksum and the TCP pseudo-header sum.</summary>
    public static void SetIpv4Source(Span<byte> packet, in PacketLayout layout, uint address) =>
        SetIpv4Address(packet, layout, Ipv4Header.SourceOffset, address);

    /// <summary>Replaces the IPv4 destination address; updates both checksums.</summary>
    public static void SetIpv4Destination(Span<byte> packet, in PacketLayout layout, uint address) =>
        SetIpv4Address(packet, layout, Ipv4Header.DestinationOffset, address);

    private static void SetIpv4Address(Span<byte> packet, in PacketLayout layout, int offset, uint address)
    {
        var ip = packet[layout.IpOffset..];
        var old = BinaryPrimitives.ReadUInt32BigEndian(ip[offset..]);
        BinaryPrimitives.WriteUInt32BigEndian(ip[offset..], address);
        UpdateIpChecksum32(ip, old, address);
        UpdateTcpChecksum32(packet, layout, old, address);
    }

    public static void SetSourcePort(Span<byte> packet, in PacketLayout layout, ushort port) => SetTcp16(packet, layout, TcpHeader.SourcePortOffset, port);

    public static void SetDestinationPort(Span<byte> packet, in PacketLayout layout, ushort port) => SetTcp16(packet, layout, TcpHeader.DestinationPortOffset, port);

    public static void SetWindow(Span<byte> packet, in PacketLayout layout, ushort window) => SetTcp16(packet, layout, TcpHeader.WindowOffset, window);

    public static void SetSequence(Span<byte> packet, in PacketLayout layout, uint sequence) => SetTcp32(packet, layout, TcpHeader.SequenceOffset, sequence);

    public static void SetAck(Span<byte> packet, in PacketLayout layout, uint ack) => SetTcp32(packet, layout, TcpHeader.AckOffset, ack);

    /// <summary>
    /// Overwrites a SACK option (its blocks name the online server's sequence space, meaningless to the target) with
    /// NOPs; returns false when the segment has none.
    /// </summary>
    public static bool StripSack(Span<byte> packet, in PacketLayout layout)
    {
        var tcp = packet[layout.TcpOffset..];
        var options = tcp[TcpHeader.MinLength..layout.TcpHeaderLength];
        if (!TcpOptionReader.TryRead(options, out var parsed) || parsed.SackOffset < 0)
        {
            return false;
        }
        var length = 2 + (parsed.SackBlocks * 8);
        var start = parsed.SackOffset;
        // Checksum words are 16-bit aligned to the TCP header; the options start at 20, so option offsets keep parity.
        var alignedStart = start & ~1;
        var alignedEnd = (start + length + 1) & ~1;
        var checksum = BinaryPrimitives.ReadUInt16BigEndian(tcp[TcpHeader.ChecksumOffset..]);
        for (var i = alignedStart; i < alignedEnd; i += 2)
        {
            var old = BinaryPrimitives.ReadUInt16BigEndian(options[i..]);
            for (var j = i; j < i + 2; j++)
            {
                if (j >= start && j < start + length)
                {
                    options[j] = (byte)TcpOptionKind.NoOp;
                }
            }
            checksum = Checksum.Update16(checksum, old, BinaryPrimitives.ReadUInt16BigEndian(options[i..]));
        }
        BinaryPrimitives.WriteUInt16BigEndian(tcp[TcpHeader.ChecksumOffset..], checksum);
        return true;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void SetTcp16(Span<byte> packet, in PacketLayout layout, int offset, ushort value)
    {
        var tcp = packet[layout.TcpOffset..];
        var old = BinaryPrimitives.ReadUInt16BigEndian(tcp[offset..]);
        BinaryPrimitives.WriteUInt16BigEndian(tcp[offset..], value);
        var checksum = BinaryPrimitives.ReadUInt16BigEndian(tcp[TcpHeader.ChecksumOffset..]);
        BinaryPrimitives.WriteUInt16BigEndian(tcp[TcpHeader.ChecksumOffset..], Checksum.Update16(checksum, old, value));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void SetTcp32(Span<byte> packet, in PacketLayout layout, int offset, uint value)
    {
        var tcp = packet[layout.TcpOffset..];
        var old = BinaryPrimitives.ReadUInt32BigEndian(tcp[offset..]);
        BinaryPrimitives.WriteUInt32BigEndian(tcp[offset..], value);
        UpdateTcpChecksum32(packet, layout, old, value);
    }

    private static void UpdateIpChecksum32(Span<byte> ip, uint old, uint value)
    {
        var checksum = BinaryPrimitives.ReadUInt16BigEndian(ip[Ipv4Header.ChecksumOffset..]);
        BinaryPrimitives.WriteUInt16BigEndian(ip[Ipv4Header.ChecksumOffset..], Checksum.Update32(checksum, old, value));
    }

    private static void UpdateTcpChecksum32(Span<byte> packet, in PacketLayout layout, uint old, uint value)
    {
        var tcp = packet[layout.TcpOffset..];
        var checksum = BinaryPrimitives.ReadUInt16BigEndian(tcp[TcpHeader.ChecksumOffset..]);
        BinaryPrimitives.WriteUInt16BigEndian(tcp[TcpHeader.ChecksumOffset..], Checksum.Update32(checksum, old, value));
    }
}
