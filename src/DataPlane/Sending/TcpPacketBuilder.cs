using System.Buffers.Binary;
using TcpShadow.DataPlane.Packets;

namespace TcpShadow.DataPlane.Sending;

/// <summary>The header fields of one segment the engine sends to the target.</summary>
public ref struct TcpSegmentSpec
{
    public FlowKey Key;
    public uint Sequence;
    public uint Ack;
    public TcpFlags Flags;
    public ushort Window;
    /// <summary>Raw option bytes to copy (a SYN's captured options); empty to use <see cref="TimestampsOption"/>.</summary>
    public ReadOnlySpan<byte> Options;
    public bool TimestampsOption;
    public uint TsVal;
    public uint TsEcr;
    public ReadOnlySpan<byte> Payload;
    public ushort IpId;
}

/// <summary>Writes complete IPv4 or IPv6 + TCP packets with full checksums into a caller's buffer.</summary>
public static class TcpPacketBuilder
{
    /// <summary>NOP NOP TS: the 12-byte timestamps layout Linux uses, keeping the payload 4-byte aligned.</summary>
    public const int TimestampsOptionLength = 12;

    public static int MaxHeaderBytes => Ipv6Header.Length + TcpHeader.MaxLength;

    /// <summary>Writes the packet; returns its length.</summary>
    public static int Write(Span<byte> buffer, scoped in TcpSegmentSpec spec)
    {
        var optionsLength = spec.Options.Length > 0 ? (spec.Options.Length + 3) & ~3 : spec.TimestampsOption ? TimestampsOptionLength : 0;
        var tcpLength = TcpHeader.MinLength + optionsLength + spec.Payload.Length;
        var v4 = spec.Key.Client.IsIPv4;
        var ipHeaderLength = v4 ? Ipv4Header.MinLength : Ipv6Header.Length;
        var total = ipHeaderLength + tcpLength;
        var packet = buffer[..total];
        var tcp = packet[ipHeaderLength..];

        BinaryPrimitives.WriteUInt16BigEndian(tcp, spec.Key.ClientPort);
        BinaryPrimitives.WriteUInt16BigEndian(tcp[TcpHeader.DestinationPortOffset..], spec.Key.ServerPort);
        BinaryPrimitives.WriteUInt32BigEndian(tcp[TcpHeader.SequenceOffset..], spec.Sequence);
        BinaryPrimitives.WriteUInt32BigEndian(tcp[TcpHeader.AckOffset..], (spec.Flags & TcpFlags.Ack) != 0 ? spec.Ack : 0);
        tcp[TcpHeader.DataOffsetOffset] = (byte)(((TcpHeader.MinLength + optionsLength) / 4) << 4);
        tcp[TcpHeader.FlagsOffset] = (byte)spec.Flags;
        BinaryPrimitives.WriteUInt16BigEndian(tcp[TcpHeader.WindowOffset..], spec.Window);
        BinaryPrimitives.WriteUInt32BigEndian(tcp[TcpHeader.ChecksumOffset..], 0); // checksum and urgent pointer
        var options = tcp.Slice(TcpHeader.MinLength, optionsLength);
        if (spec.Options.Length > 0)
        {
            spec.Options.CopyTo(options);
            // Pad with end-of-list to the 4-byte boundary.
            options[spec.Options.Length..].Clear();
        }
        else if (spec.TimestampsOption)
        {
            options[0] = (byte)TcpOptionKind.NoOp;
            options[1] = (byte)TcpOptionKind.NoOp;
            options[2] = (byte)TcpOptionKind.Timestamps;
            options[3] = 10;
            BinaryPrimitives.WriteUInt32BigEndian(options[4..], spec.TsVal);
            BinaryPrimitives.WriteUInt32BigEndian(options[8..], spec.TsEcr);
        }
        spec.Payload.CopyTo(tcp[(TcpHeader.MinLength + optionsLength)..]);

        if (v4)
        {
            packet[0] = 0x45;
            packet[1] = 0;
            BinaryPrimitives.WriteUInt16BigEndian(packet[Ipv4Header.TotalLengthOffset..], (ushort)total);
            BinaryPrimitives.WriteUInt16BigEndian(packet[Ipv4Header.IdentificationOffset..], spec.IpId);
            BinaryPrimitives.WriteUInt16BigEndian(packet[Ipv4Header.FragmentOffset..], 0x4000); // DF
            packet[Ipv4Header.TtlOffset] = 64;
            packet[Ipv4Header.ProtocolOffset] = Ipv4Header.ProtocolTcp;
            BinaryPrimitives.WriteUInt16BigEndian(packet[Ipv4Header.ChecksumOffset..], 0);
            spec.Key.Client.WriteV4(packet[Ipv4Header.SourceOffset..]);
            spec.Key.Server.WriteV4(packet[Ipv4Header.DestinationOffset..]);
            BinaryPrimitives.WriteUInt16BigEndian(packet[Ipv4Header.ChecksumOffset..], Checksum.Ipv4Header(packet[..Ipv4Header.MinLength]));
            BinaryPrimitives.WriteUInt16BigEndian(tcp[TcpHeader.ChecksumOffset..], Checksum.TcpIpv4(spec.Key.Client.V4, spec.Key.Server.V4, tcp));
        }
        else
        {
            BinaryPrimitives.WriteUInt32BigEndian(packet, 0x6000_0000);
            BinaryPrimitives.WriteUInt16BigEndian(packet[Ipv6Header.PayloadLengthOffset..], (ushort)tcpLength);
            packet[Ipv6Header.NextHeaderOffset] = Ipv4Header.ProtocolTcp;
            packet[Ipv6Header.HopLimitOffset] = 64;
            spec.Key.Client.Write16(packet[Ipv6Header.SourceOffset..]);
            spec.Key.Server.Write16(packet[Ipv6Header.DestinationOffset..]);
            BinaryPrimitives.WriteUInt16BigEndian(tcp[TcpHeader.ChecksumOffset..],
                Checksum.TcpIpv6(packet.Slice(Ipv6Header.SourceOffset, 16), packet.Slice(Ipv6Header.DestinationOffset, 16), tcp));
        }
        return total;
    }
}
