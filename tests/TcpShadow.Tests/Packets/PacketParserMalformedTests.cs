using System.Buffers.Binary;
using TcpShadow.DataPlane.Packets;
using TcpShadow.Tests.Support;

namespace TcpShadow.Tests.Packets;

/// <summary>Kernel frames with one field broken: each break maps to its own <see cref="DropReason"/>.</summary>
public class PacketParserMalformedTests
{
    private const int Eth = EthernetFrame.HeaderLength;

    // eth-ipv4.pcap frame 0 is a SYN: 14 bytes Ethernet, 20 bytes IPv4, 40 bytes TCP (20 of options).
    private static byte[] Ipv4Syn() => Captures.Get("eth-ipv4.pcap").Frames[0].ToArray();

    private static byte[] Ipv6Syn() => Captures.Get("eth-ipv6.pcap").Frames[0].ToArray();

    [Theory]
    [InlineData(0)]
    [InlineData(5)]
    [InlineData(15)]
    public void Parse_RawIpWithUnknownVersion_ReturnsBadIpVersion(int version)
    {
        var ip = Ipv4Syn()[Eth..];
        ip[0] = (byte)((version << 4) | (ip[0] & 0x0F));

        Assert.Equal(DropReason.BadIpVersion, PacketParser.Parse(LinkType.Raw, ip, out _));
    }

    [Fact]
    public void Parse_EthernetIpv4TypeCarryingVersion6_ReturnsBadIpVersion()
    {
        var frame = Ipv4Syn();
        frame[Eth] = (byte)(0x60 | (frame[Eth] & 0x0F));

        Assert.Equal(DropReason.BadIpVersion, PacketParser.Parse(LinkType.Ethernet, frame, out _));
    }

    [Fact]
    public void Parse_EthernetIpv6TypeCarryingVersion4_ReturnsBadIpVersion()
    {
        var frame = Ipv6Syn();
        frame[Eth] = (byte)(0x40 | (frame[Eth] & 0x0F));

        Assert.Equal(DropReason.BadIpVersion, PacketParser.Parse(LinkType.Ethernet, frame, out _));
    }

    [Fact]
    public void Parse_Ipv6LinkTypeCarryingVersion4_ReturnsBadIpVersion()
    {
        var ip = Ipv4Syn()[Eth..];

        Assert.Equal(DropReason.BadIpVersion, PacketParser.Parse(LinkType.Ipv6, ip, out _));
        Assert.Equal(DropReason.None, PacketParser.Parse(LinkType.Ipv4, ip, out _));
    }

    [Fact]
    public void TryGetSllPayload_TagReinsertedByLibpcap_SkipsTheTag()
    {
        var frame = Captures.Get("sll-vlan.pcap").Frames[0];

        Assert.True(LinuxCookedHeader.TryGetSllPayload(frame, out var protocol, out _, out var payloadOffset));

        Assert.Equal(EthernetFrame.EtherTypeIpv4, protocol);
        Assert.Equal(LinuxCookedHeader.SllLength + EthernetFrame.VlanTagLength, payloadOffset);
        Assert.Equal(0x45, frame[payloadOffset]);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(4)]
    public void Parse_IhlBelowFive_ReturnsBadIpHeaderLength(int ihl)
    {
        var frame = Ipv4Syn();
        frame[Eth] = (byte)(0x40 | ihl);

        Assert.Equal(DropReason.BadIpHeaderLength, PacketParser.Parse(LinkType.Ethernet, frame, out _));
    }

    [Fact]
    public void Parse_IhlBeyondCapturedBytes_ReturnsTruncatedIpHeader()
    {
        var frame = Ipv4Syn().AsSpan(0, Eth + 40).ToArray();
        frame[Eth] = 0x4F;

        Assert.Equal(DropReason.TruncatedIpHeader, PacketParser.Parse(LinkType.Ethernet, frame, out _));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(19)]
    [InlineData(23)]
    public void Parse_TotalLengthBelowHeaderLength_ReturnsBadIpTotalLength(int totalLength)
    {
        var frame = Ipv4Syn();
        if (totalLength > 20)
        {
            // IHL 6: 24 bytes of header claimed, so a total of 23 cannot hold it.
            frame[Eth] = 0x46;
        }
        BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(Eth + Ipv4Header.TotalLengthOffset), (ushort)totalLength);

        Assert.Equal(DropReason.BadIpTotalLength, PacketParser.Parse(LinkType.Ethernet, frame, out _));
    }

    [Theory]
    [InlineData(0x2000)] // MF, offset 0: the first fragment.
    [InlineData(0x0001)] // offset 8 bytes: a later fragment.
    [InlineData(0x1FFF)] // largest offset.
    [InlineData(0x6000)] // DF and MF together is still a fragment.
    public void Parse_Fragment_ReturnsIpFragment(ushort flagsAndOffset)
    {
        var frame = Ipv4Syn();
        BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(Eth + Ipv4Header.FragmentOffset), flagsAndOffset);

        Assert.Equal(DropReason.IpFragment, PacketParser.Parse(LinkType.Ethernet, frame, out _));
    }

    [Fact]
    public void Parse_DontFragmentOnly_ReturnsNone()
    {
        var frame = Ipv4Syn();
        BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(Eth + Ipv4Header.FragmentOffset), 0x4000);

        Assert.Equal(DropReason.None, PacketParser.Parse(LinkType.Ethernet, frame, out _));
    }

    [Theory]
    [InlineData(1)]  // ICMP
    [InlineData(17)] // UDP
    [InlineData(47)] // GRE
    public void Parse_Ipv4NonTcp_ReturnsNotTcp(byte protocol)
    {
        var frame = Ipv4Syn();
        frame[Eth + Ipv4Header.ProtocolOffset] = protocol;

        Assert.Equal(DropReason.NotTcp, PacketParser.Parse(LinkType.Ethernet, frame, out _));
    }

    [Theory]
    [InlineData(0)]  // hop-by-hop options: extension headers are not walked
    [InlineData(17)] // UDP
    [InlineData(58)] // ICMPv6
    public void Parse_Ipv6NonTcp_ReturnsNotTcp(byte nextHeader)
    {
        var frame = Ipv6Syn();
        frame[Eth + Ipv6Header.NextHeaderOffset] = nextHeader;

        Assert.Equal(DropReason.NotTcp, PacketParser.Parse(LinkType.Ethernet, frame, out _));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(4)]
    public void Parse_DataOffsetBelowFive_ReturnsBadTcpHeaderLength(int dataOffset)
    {
        var frame = Ipv4Syn();
        frame[Eth + 20 + TcpHeader.DataOffsetOffset] = (byte)(dataOffset << 4);

        Assert.Equal(DropReason.BadTcpHeaderLength, PacketParser.Parse(LinkType.Ethernet, frame, out _));
    }

    [Fact]
    public void Parse_DataOffsetBeyondSegment_ReturnsTruncatedTcpHeader()
    {
        var frame = Ipv4Syn();
        frame[Eth + 20 + TcpHeader.DataOffsetOffset] = 0xF0;

        Assert.Equal(DropReason.TruncatedTcpHeader, PacketParser.Parse(LinkType.Ethernet, frame, out _));
    }

    [Theory]
    [InlineData(0x0806)] // ARP
    [InlineData(0x8847)] // MPLS
    [InlineData(0x0000)]
    public void Parse_EthernetNonIpType_ReturnsNotIp(ushort etherType)
    {
        var frame = Ipv4Syn();
        BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(12), etherType);

        Assert.Equal(DropReason.NotIp, PacketParser.Parse(LinkType.Ethernet, frame, out _));
    }

    [Fact]
    public void Parse_SllNonIpProtocol_ReturnsNotIp()
    {
        var frame = Captures.Get("sll-ipv4.pcap").Frames[0].ToArray();
        BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(14), 0x0806);

        Assert.Equal(DropReason.NotIp, PacketParser.Parse(LinkType.LinuxSll, frame, out _));
    }

    [Fact]
    public void Parse_UnknownLinkType_ReturnsUnsupportedLinkType()
    {
        Assert.Equal(DropReason.UnsupportedLinkType, PacketParser.Parse((LinkType)105, Ipv4Syn(), out _));
    }

    [Theory]
    [InlineData(LinkType.Ethernet, DropReason.TruncatedLinkHeader)]
    [InlineData(LinkType.LinuxSll, DropReason.TruncatedLinkHeader)]
    [InlineData(LinkType.LinuxSll2, DropReason.TruncatedLinkHeader)]
    [InlineData(LinkType.Raw, DropReason.TruncatedIpHeader)]
    public void Parse_EmptyFrame_ReturnsTruncation(LinkType linkType, DropReason expected)
    {
        Assert.Equal(expected, PacketParser.Parse(linkType, [], out _));
    }

    [Fact]
    public void Parse_Ipv4TotalLengthZero_UsesCapturedLength()
    {
        // A TSO super-packet captured on the sending host before segmentation says 0.
        var frame = Ipv4Syn();
        BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(Eth + Ipv4Header.TotalLengthOffset), 0);

        Assert.Equal(DropReason.None, PacketParser.Parse(LinkType.Ethernet, frame, out var layout));
        Assert.Equal(frame.Length - Eth, layout.IpLength);
        Assert.Equal(0, layout.PayloadLength);
    }

    [Fact]
    public void Parse_Ipv6PayloadLengthZero_UsesCapturedLength()
    {
        var frame = Captures.Get("eth-ipv6.pcap").Frames[3].ToArray();
        Assert.Equal(DropReason.None, PacketParser.Parse(LinkType.Ethernet, frame, out var before));
        BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(Eth + Ipv6Header.PayloadLengthOffset), 0);

        Assert.Equal(DropReason.None, PacketParser.Parse(LinkType.Ethernet, frame, out var layout));
        Assert.Equal(before.PayloadLength, layout.PayloadLength);
        Assert.True(layout.PayloadLength > 0);
    }

    [Fact]
    public void Parse_EthernetPadding_IsNotPayload()
    {
        // A bare ACK is padded to the 60-byte Ethernet minimum; the IP total length excludes the padding.
        var syn = Ipv4Syn();
        var frame = new byte[60];
        syn.AsSpan(0, Eth + 40).CopyTo(frame);
        frame[Eth + 20 + TcpHeader.DataOffsetOffset] = 0x50;
        BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(Eth + Ipv4Header.TotalLengthOffset), 40);

        Assert.Equal(DropReason.None, PacketParser.Parse(LinkType.Ethernet, frame, out var layout));
        Assert.Equal(40, layout.IpLength);
        Assert.Equal(0, layout.PayloadLength);
    }

    [Fact]
    public void Parse_SnapLengthShorterThanPacket_ClipsPayloadToCaptured()
    {
        var whole = Captures.Get("eth-ipv4.pcap").Frames[5];
        Assert.Equal(DropReason.None, PacketParser.Parse(LinkType.Ethernet, whole, out var full));
        var frame = whole.AsSpan(0, full.PayloadOffset + 10).ToArray();

        Assert.Equal(DropReason.None, PacketParser.Parse(LinkType.Ethernet, frame, out var layout));
        Assert.Equal(10, layout.PayloadLength);
        Assert.True(full.PayloadLength > 10);
    }
}
