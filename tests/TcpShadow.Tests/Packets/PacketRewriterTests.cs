using System.Buffers.Binary;
using TcpShadow.DataPlane.Packets;
using TcpShadow.Tests.Support;

namespace TcpShadow.Tests.Packets;

public class PacketRewriterTests
{
    private static readonly FlowKey s_key = new(Addr("198.18.1.2"), 40000, Addr("198.18.1.1"), 80);

    private static FlowAddress Addr(string text)
    {
        Assert.True(FlowAddress.TryParse(text, out var a));
        return a;
    }

    private static (byte[] Packet, PacketLayout Layout) Make(byte[]? options = null)
    {
        var packet = SegmentFactory.Build(s_key, 123456, 654321, TcpFlags.Ack | TcpFlags.Psh, "GET / HTTP/1.1\r\n\r\n", options);
        Assert.Equal(DropReason.None, PacketParser.ParseIp(packet, out var layout));
        return (packet, layout);
    }

    private static void AssertChecksumsValid(byte[] packet, in PacketLayout layout)
    {
        var ip = new Ipv4Header(packet);
        Assert.Equal(ip.Checksum, Checksum.Ipv4Header(packet.AsSpan(0, layout.IpHeaderLength)));
        var tcp = packet.AsSpan(layout.TcpOffset, layout.IpLength - layout.IpHeaderLength);
        Assert.Equal(new TcpHeader(tcp).Checksum, Checksum.TcpIpv4(ip.Source, ip.Destination, tcp));
    }

    [Fact]
    public void Rewrites_EveryField_ChecksumsStayValid()
    {
        var random = new Random(1624);
        for (var i = 0; i < 2000; i++)
        {
            var (packet, layout) = Make();
            PacketRewriter.SetIpv4Source(packet, layout, (uint)random.NextInt64(0, uint.MaxValue));
            PacketRewriter.SetIpv4Destination(packet, layout, (uint)random.NextInt64(0, uint.MaxValue));
            PacketRewriter.SetSourcePort(packet, layout, (ushort)random.Next(0, 65536));
            PacketRewriter.SetDestinationPort(packet, layout, (ushort)random.Next(0, 65536));
            PacketRewriter.SetSequence(packet, layout, (uint)random.NextInt64(0, uint.MaxValue));
            PacketRewriter.SetAck(packet, layout, (uint)random.NextInt64(0, uint.MaxValue));
            PacketRewriter.SetWindow(packet, layout, (ushort)random.Next(0, 65536));
            AssertChecksumsValid(packet, layout);
        }
    }

    [Fact]
    public void SetDestination_WritesTheAddress()
    {
        var (packet, layout) = Make();
        PacketRewriter.SetIpv4Destination(packet, layout, Addr("198.18.2.2").V4);
        PacketRewriter.SetDestinationPort(packet, layout, 8080);
        Assert.Equal(new FlowKey(s_key.Client, 40000, Addr("198.18.2.2"), 8080), PacketParser.ReadKey(packet, layout));
    }

    [Theory]
    [InlineData(new byte[] { 1, 1, 5, 10, 0, 0, 0x23, 0x28, 0, 0, 0x27, 0x10 })]
    [InlineData(new byte[] { 1, 1, 8, 10, 0, 0, 0, 1, 0, 0, 0, 2, 1, 1, 5, 10, 0, 0, 0x23, 0x28, 0, 0, 0x27, 0x10 })]
    [InlineData(new byte[] { 1, 5, 10, 0, 0, 0x23, 0x28, 0, 0, 0x27, 0x10, 0 })]
    public void StripSack_ReplacesBlocksWithNops_ChecksumValid(byte[] options)
    {
        var (packet, layout) = Make(options);
        Assert.True(PacketRewriter.StripSack(packet, layout));
        Assert.True(TcpOptionReader.TryRead(new TcpHeader(packet.AsSpan(layout.TcpOffset)).Options, out var after));
        Assert.Equal(0, after.SackBlocks);
        AssertChecksumsValid(packet, layout);
        Assert.False(PacketRewriter.StripSack(packet, layout));
    }

    [Fact]
    public void StripSack_NoSack_LeavesPacketAlone()
    {
        var (packet, layout) = Make([1, 1, 8, 10, 0, 0, 0, 1, 0, 0, 0, 2]);
        var copy = packet.ToArray();
        Assert.False(PacketRewriter.StripSack(packet, layout));
        Assert.Equal(copy, packet);
        Assert.Equal(0, BinaryPrimitives.ReadUInt16BigEndian(packet.AsSpan(layout.TcpOffset + TcpHeader.UrgentOffset)));
    }
}
