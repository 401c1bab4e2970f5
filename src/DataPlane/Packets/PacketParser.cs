using System.Buffers.Binary;
using System.Runtime.CompilerServices;

namespace TcpShadow.DataPlane.Packets;

/// <summary>
/// Finds the IP and TCP layers of a captured frame. Never throws on malformed input: the result is a
/// <see cref="DropReason"/> that the caller counts.
/// </summary>
public static class PacketParser
{
    // The version a bare-IP link type promises: 0 lets the version nibble decide.
    private const int AnyVersion = 0;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static DropReason Parse(LinkType linkType, ReadOnlySpan<byte> frame, out PacketLayout layout)
    {
        layout = default;
        ushort etherType;
        int ipOffset;
        switch (linkType)
        {
            case LinkType.Ethernet:
                if (!new EthernetFrame(frame).TryGetPayload(out etherType, out ipOffset))
                {
                    return DropReason.TruncatedLinkHeader;
                }
                break;
            case LinkType.LinuxSll:
                if (!LinuxCookedHeader.TryGetSllPayload(frame, out etherType, out var sllType, out ipOffset))
                {
                    return DropReason.TruncatedLinkHeader;
                }
                layout.Outgoing = sllType == LinuxCookedHeader.PacketOutgoing;
                break;
            case LinkType.LinuxSll2:
                if (!LinuxCookedHeader.TryGetSll2Payload(frame, out etherType, out var sll2Type))
                {
                    return DropReason.TruncatedLinkHeader;
                }
                layout.Outgoing = sll2Type == LinuxCookedHeader.PacketOutgoing;
                ipOffset = LinuxCookedHeader.Sll2Length;
                break;
            case LinkType.Raw or LinkType.RawAlt:
                return ParseIp(frame, 0, AnyVersion, ref layout);
            case LinkType.Ipv4:
                return ParseIp(frame, 0, 4, ref layout);
            case LinkType.Ipv6:
                return ParseIp(frame, 0, 6, ref layout);
            default:
                return DropReason.UnsupportedLinkType;
        }
        // EtherType 0 is not "no type": 802.3 length fields and junk land here, and none of them is IP.
        var expectedVersion = etherType switch
        {
            EthernetFrame.EtherTypeIpv4 => 4,
            EthernetFrame.EtherTypeIpv6 => 6,
            _ => -1,
        };
        if (expectedVersion < 0)
        {
            return DropReason.NotIp;
        }
        return ParseIp(frame, ipOffset, expectedVersion, ref layout);
    }

    /// <summary>Parses a bare IP packet starting at offset 0.</summary>
    public static DropReason ParseIp(ReadOnlySpan<byte> packet, out PacketLayout layout)
    {
        layout = default;
        return ParseIp(packet, 0, AnyVersion, ref layout);
    }

    private static DropReason ParseIp(ReadOnlySpan<byte> frame, int ipOffset, int expectedVersion, ref PacketLayout layout)
    {
        if ((uint)ipOffset >= (uint)frame.Length)
        {
            return DropReason.TruncatedIpHeader;
        }
        var ip = frame[ipOffset..];
        var version = ip[0] >> 4;
        // The link layer's type and the version nibble must agree; a mismatch is a corrupt frame,
        // not an IPv6 packet to read with IPv4 offsets.
        if (expectedVersion != AnyVersion && version != expectedVersion)
        {
            return DropReason.BadIpVersion;
        }
        layout.IpOffset = ipOffset;
        layout.IpVersion = (byte)version;
        int ipHeaderLength;
        int ipLength;
        if (version == 4)
        {
            if ((uint)ip.Length < Ipv4Header.MinLength)
            {
                return DropReason.TruncatedIpHeader;
            }
            var header = new Ipv4Header(ip);
            ipHeaderLength = header.HeaderLength;
            if (ipHeaderLength < Ipv4Header.MinLength)
            {
                return DropReason.BadIpHeaderLength;
            }
            if (ipHeaderLength > ip.Length)
            {
                return DropReason.TruncatedIpHeader;
            }
            ipLength = header.TotalLength;
            // 0 is a TSO/GSO super-packet captured before segmentation (see below), not a bad length.
            if (ipLength < ipHeaderLength && ipLength != 0)
            {
                return DropReason.BadIpTotalLength;
            }
            if (header.IsFragment)
            {
                return DropReason.IpFragment;
            }
            if (header.Protocol != Ipv4Header.ProtocolTcp)
            {
                return DropReason.NotTcp;
            }
        }
        else if (version == 6)
        {
            if ((uint)ip.Length < Ipv6Header.Length)
            {
                return DropReason.TruncatedIpHeader;
            }
            var header = new Ipv6Header(ip);
            ipHeaderLength = Ipv6Header.Length;
            // 0 is an IPv6 BIG TCP/GSO packet captured before segmentation (no 16-bit length fits); it means
            // "what was captured", as for IPv4 below.
            ipLength = header.PayloadLength == 0 ? 0 : Ipv6Header.Length + header.PayloadLength;
            if (header.NextHeader != Ipv4Header.ProtocolTcp)
            {
                // Extension headers are rare on TCP flows this tool copies; they are counted, not walked.
                return DropReason.NotTcp;
            }
        }
        else
        {
            return DropReason.BadIpVersion;
        }

        // GRO/TSO super-packets captured before segmentation carry a length of 0; a snap length shorter than
        // the packet leaves less captured than claimed. Either way trust what was captured: the headers may
        // still be whole. Ethernet padding (claimed < captured) is cut off by keeping the claim.
        if (ipLength == 0 || ipLength > ip.Length)
        {
            ipLength = ip.Length;
        }
        if ((uint)(ipHeaderLength + TcpHeader.MinLength) > (uint)ipLength)
        {
            return DropReason.TruncatedTcpHeader;
        }
        var tcp = ip[ipHeaderLength..ipLength];
        var tcpHeaderLength = (tcp[TcpHeader.DataOffsetOffset] >> 4) * 4;
        if (tcpHeaderLength < TcpHeader.MinLength)
        {
            return DropReason.BadTcpHeaderLength;
        }
        if (tcpHeaderLength > tcp.Length)
        {
            return DropReason.TruncatedTcpHeader;
        }
        layout.IpHeaderLength = ipHeaderLength;
        layout.IpLength = ipLength;
        layout.TcpOffset = ipOffset + ipHeaderLength;
        layout.TcpHeaderLength = tcpHeaderLength;
        layout.PayloadOffset = layout.TcpOffset + tcpHeaderLength;
        layout.PayloadLength = ipLength - ipHeaderLength - tcpHeaderLength;
        return DropReason.None;
    }

    /// <summary>Reads the flow key of the packet (source as client) from a parsed layout.</summary>
    public static FlowKey ReadKey(ReadOnlySpan<byte> frame, in PacketLayout layout)
    {
        var ip = frame[layout.IpOffset..];
        var tcp = frame[layout.TcpOffset..];
        var sport = BinaryPrimitives.ReadUInt16BigEndian(tcp);
        var dport = BinaryPrimitives.ReadUInt16BigEndian(tcp[2..]);
        if (layout.IpVersion == 4)
        {
            return new FlowKey(
                FlowAddress.FromV4Bytes(ip[Ipv4Header.SourceOffset..]), sport,
                FlowAddress.FromV4Bytes(ip[Ipv4Header.DestinationOffset..]), dport);
        }
        return new FlowKey(
            FlowAddress.FromV6Bytes(ip[Ipv6Header.SourceOffset..]), sport,
            FlowAddress.FromV6Bytes(ip[Ipv6Header.DestinationOffset..]), dport);
    }

    /// <summary>Reads the flow key with the roles swapped: the packet's destination is the client (a response).</summary>
    public static FlowKey ReadReverseKey(ReadOnlySpan<byte> frame, in PacketLayout layout)
    {
        var k = ReadKey(frame, layout);
        return new FlowKey(k.Server, k.ServerPort, k.Client, k.ClientPort);
    }
}
