using System.Buffers.Binary;
using PacketDotNet;
using PacketDotNet.Tcp;
using TcpShadow.DataPlane.Packets;
using TcpShadow.Tests.Support;

namespace TcpShadow.Tests.Packets;

/// <summary>
/// Every packet the kernel produced in scripts/make-fixtures.sh, parsed by us and by PacketDotNet as an
/// independent oracle, with checksums compared against the ones the kernel wrote (TX offload was off).
/// </summary>
public class CaptureFixtureTests
{
    public static TheoryData<string, int> AllPackets() => Captures.AllPackets();

    [Theory]
    [MemberData(nameof(AllPackets))]
    public void Parse_KernelCapture_ReturnsNoneWithWholeLayers(string file, int index)
    {
        var capture = Captures.Get(file);
        var frame = capture.Frames[index];

        var reason = PacketParser.Parse(capture.LinkType, frame, out var layout);

        Assert.Equal(DropReason.None, reason);
        Assert.True(layout.IpVersion is 4 or 6);
        Assert.Equal(layout.IpOffset + layout.IpHeaderLength, layout.TcpOffset);
        Assert.Equal(layout.TcpOffset + layout.TcpHeaderLength, layout.PayloadOffset);
        Assert.Equal(layout.IpOffset + layout.IpLength, layout.PayloadOffset + layout.PayloadLength);
        Assert.True(layout.IpOffset + layout.IpLength <= frame.Length);
    }

    [Theory]
    [MemberData(nameof(AllPackets))]
    public void Parse_KernelCapture_MatchesPacketDotNet(string file, int index)
    {
        var capture = Captures.Get(file);
        var frame = capture.Frames[index];
        Assert.Equal(DropReason.None, PacketParser.Parse(capture.LinkType, frame, out var layout));
        var (ip, oracle) = Oracle.Parse(capture.LinkType, frame, layout);

        var tcp = new TcpHeader(frame.AsSpan(layout.TcpOffset, layout.TcpHeaderLength));
        Assert.Equal(oracle.SourcePort, tcp.SourcePort);
        Assert.Equal(oracle.DestinationPort, tcp.DestinationPort);
        Assert.Equal(oracle.SequenceNumber, tcp.Sequence);
        Assert.Equal(oracle.AcknowledgmentNumber, tcp.Ack);
        Assert.Equal(oracle.WindowSize, tcp.Window);
        Assert.Equal(oracle.Checksum, tcp.Checksum);
        Assert.Equal((byte)oracle.Flags, (byte)tcp.Flags);
        Assert.Equal(oracle.Synchronize, tcp.Has(TcpFlags.Syn));
        Assert.Equal(oracle.Finished, tcp.Has(TcpFlags.Fin));
        Assert.Equal(oracle.Acknowledgment, tcp.Has(TcpFlags.Ack));
        Assert.Equal(oracle.Push, tcp.Has(TcpFlags.Psh));
        Assert.Equal(oracle.DataOffset * 4, layout.TcpHeaderLength);
        Assert.Equal(oracle.PayloadData?.Length ?? 0, layout.PayloadLength);
        Assert.Equal(ip.PayloadLength, layout.IpLength - layout.IpHeaderLength);

        var key = PacketParser.ReadKey(frame, layout);
        Assert.Equal(ip.SourceAddress, key.Client.ToIPAddress());
        Assert.Equal(ip.DestinationAddress, key.Server.ToIPAddress());
        Assert.Equal(oracle.SourcePort, key.ClientPort);
        Assert.Equal(oracle.DestinationPort, key.ServerPort);
        var reverse = PacketParser.ReadReverseKey(frame, layout);
        Assert.Equal(key.Server, reverse.Client);
        Assert.Equal(key.ServerPort, reverse.ClientPort);
    }

    [Theory]
    [MemberData(nameof(AllPackets))]
    public void TryRead_KernelOptions_MatchesPacketDotNet(string file, int index)
    {
        var capture = Captures.Get(file);
        var frame = capture.Frames[index];
        Assert.Equal(DropReason.None, PacketParser.Parse(capture.LinkType, frame, out var layout));
        var (_, oracle) = Oracle.Parse(capture.LinkType, frame, layout);
        var tcp = new TcpHeader(frame.AsSpan(layout.TcpOffset, layout.TcpHeaderLength));

        Assert.True(TcpOptionReader.TryRead(tcp.Options, out var options));

        var mss = oracle.OptionsCollection.OfType<MaximumSegmentSizeOption>().SingleOrDefault();
        Assert.Equal(mss is not null, options.HasMss);
        Assert.Equal(mss?.Value ?? 0, options.Mss);
        var scale = oracle.OptionsCollection.OfType<WindowScaleFactorOption>().SingleOrDefault();
        Assert.Equal(scale is not null, options.HasWindowScale);
        Assert.Equal(scale?.ScaleFactor ?? 0, options.WindowScale);
        Assert.Equal(oracle.OptionsCollection.OfType<SelectiveAcknowledgmentPermittedOption>().Any(), options.SackPermitted);
        var timestamps = oracle.OptionsCollection.OfType<TimeStampOption>().SingleOrDefault();
        Assert.Equal(timestamps is not null, options.HasTimestamps);
        Assert.Equal(timestamps?.Value ?? 0, options.TsVal);
        Assert.Equal(timestamps?.EchoReply ?? 0, options.TsEcr);
        if (timestamps is not null)
        {
            Assert.Equal((byte)TcpOptionKind.Timestamps, tcp.Options[options.TimestampsOffset]);
        }
        Assert.Equal(-1, options.SackOffset);
    }

    [Theory]
    [MemberData(nameof(AllPackets))]
    public void Ipv4Header_KernelCapture_EqualsKernelChecksum(string file, int index)
    {
        var capture = Captures.Get(file);
        var frame = capture.Frames[index];
        Assert.Equal(DropReason.None, PacketParser.Parse(capture.LinkType, frame, out var layout));
        if (layout.IpVersion != 4)
        {
            // IPv6 has no header checksum.
            return;
        }
        var header = frame.AsSpan(layout.IpOffset, layout.IpHeaderLength);

        Assert.Equal(new Ipv4Header(header).Checksum, Checksum.Ipv4Header(header));
        // Summing a header with its checksum in place gives zero (RFC 1071 section 1, receiver check).
        Assert.Equal(0, Checksum.Fold(Checksum.Add(0, header)));
    }

    [Theory]
    [MemberData(nameof(AllPackets))]
    public void Tcp_KernelCapture_EqualsKernelChecksum(string file, int index)
    {
        var capture = Captures.Get(file);
        var frame = capture.Frames[index];
        Assert.Equal(DropReason.None, PacketParser.Parse(capture.LinkType, frame, out var layout));
        var ip = frame.AsSpan(layout.IpOffset, layout.IpLength);
        var segment = ip[layout.IpHeaderLength..];

        var computed = layout.IpVersion == 4
            ? Checksum.TcpIpv4(new Ipv4Header(ip).Source, new Ipv4Header(ip).Destination, segment)
            : Checksum.TcpIpv6(new Ipv6Header(ip).Source, new Ipv6Header(ip).Destination, segment);

        Assert.Equal(new TcpHeader(segment).Checksum, computed);
    }

    [Theory]
    [MemberData(nameof(CaptureNames))]
    public void Fixture_EachFile_HoldsHandshakeDataAndFin(string file)
    {
        var capture = Captures.Get(file);
        var seen = new List<(TcpFlags Flags, int Payload, TcpOptions Options)>();
        foreach (var frame in capture.Frames)
        {
            Assert.Equal(DropReason.None, PacketParser.Parse(capture.LinkType, frame, out var layout));
            var tcp = new TcpHeader(frame.AsSpan(layout.TcpOffset, layout.TcpHeaderLength));
            Assert.True(TcpOptionReader.TryRead(tcp.Options, out var options));
            seen.Add((tcp.Flags, layout.PayloadLength, options));
        }

        var syn = Assert.Single(seen, s => s.Flags == TcpFlags.Syn);
        Assert.True(syn.Options is { HasMss: true, SackPermitted: true, HasTimestamps: true, HasWindowScale: true });
        Assert.Contains(seen, s => s.Flags == (TcpFlags.Syn | TcpFlags.Ack) && s.Options.HasMss);
        Assert.Contains(seen, s => s.Payload > 0 && (s.Flags & TcpFlags.Psh) != 0);
        Assert.Contains(seen, s => (s.Flags & TcpFlags.Fin) != 0);
    }

    [Fact]
    public void Fixture_Corpus_CoversEveryLinkTypeVlanAndIpv6()
    {
        var files = Captures.Names.Select(Captures.Get).ToList();

        Assert.Contains(files, f => f.LinkType == LinkType.Ethernet);
        Assert.Contains(files, f => f.LinkType == LinkType.LinuxSll);
        Assert.Contains(files, f => f.LinkType == LinkType.LinuxSll2);
        Assert.Contains(files, f => f.LinkType == LinkType.Ethernet
            && f.Frames.All(b => BinaryPrimitives.ReadUInt16BigEndian(b.AsSpan(12)) == EthernetFrame.EtherTypeVlan));
        Assert.Contains(files, f => f.LinkType == LinkType.LinuxSll
            && f.Frames.All(b => BinaryPrimitives.ReadUInt16BigEndian(b.AsSpan(14)) == EthernetFrame.EtherTypeVlan));
        Assert.Contains(files, f => f.Frames.All(b =>
            PacketParser.Parse(f.LinkType, b, out var layout) == DropReason.None && layout.IpVersion == 6));
    }

    [Theory]
    [InlineData("sll-ipv4.pcap")]
    [InlineData("sll2-ipv4.pcap")]
    public void Parse_CookedCapture_MarksOutgoingBySenderRole(string file)
    {
        var capture = Captures.Get(file);
        foreach (var frame in capture.Frames)
        {
            Assert.Equal(DropReason.None, PacketParser.Parse(capture.LinkType, frame, out var layout));
            // The captures ran in the server's namespace: what the server (port 8080) sent is outgoing.
            var fromServer = PacketParser.ReadKey(frame, layout).ClientPort == 8080;
            Assert.Equal(fromServer, layout.Outgoing);
        }
    }

    public static TheoryData<string> CaptureNames() => new(Captures.Names);

    /// <summary>PacketDotNet's view of the same bytes.</summary>
    private static class Oracle
    {
        public static (IPPacket Ip, TcpPacket Tcp) Parse(LinkType linkType, byte[] frame, in PacketLayout layout)
        {
            var packet = Packet.ParsePacket(ToLinkLayers(linkType), frame);
            var ip = packet.Extract<IPPacket>();
            var tcp = packet.Extract<TcpPacket>();
            if (ip is null || tcp is null)
            {
                // PacketDotNet's SLL parser does not look through the 802.1Q tag that libpcap re-inserts
                // into SLL captures; hand it the IP packet at the offset the tag implies.
                Assert.Equal(LinkType.LinuxSll, linkType);
                Assert.Equal(EthernetFrame.EtherTypeVlan, BinaryPrimitives.ReadUInt16BigEndian(frame.AsSpan(14)));
                packet = Packet.ParsePacket(LinkLayers.Raw, frame.AsSpan(LinuxCookedHeader.SllLength + EthernetFrame.VlanTagLength).ToArray());
                ip = packet.Extract<IPPacket>();
                tcp = packet.Extract<TcpPacket>();
            }
            Assert.NotNull(ip);
            Assert.NotNull(tcp);
            return (ip, tcp);
        }

        private static LinkLayers ToLinkLayers(LinkType linkType) => linkType switch
        {
            LinkType.Ethernet => LinkLayers.Ethernet,
            LinkType.LinuxSll => LinkLayers.LinuxSll,
            LinkType.LinuxSll2 => LinkLayers.LinuxSll2,
            _ => LinkLayers.Raw,
        };
    }
}
