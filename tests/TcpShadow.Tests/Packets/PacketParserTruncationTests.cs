using TcpShadow.DataPlane.Packets;
using TcpShadow.Tests.Support;

namespace TcpShadow.Tests.Packets;

/// <summary>Every prefix of real frames, as a short capture (snap length) or a cut ring slot would give.</summary>
public class PacketParserTruncationTests
{
    // One frame of each shape: SYN (options), data segment, tagged, cooked (v1 with tag, v2), IPv6.
    private static readonly (string File, int Index)[] s_frames =
    [
        ("eth-ipv4.pcap", 0),
        ("eth-ipv4.pcap", 3),
        ("eth-vlan.pcap", 0),
        ("sll-ipv4.pcap", 0),
        ("sll-vlan.pcap", 0),
        ("sll2-ipv4.pcap", 0),
        ("eth-ipv6.pcap", 0),
        ("sll2-ipv6.pcap", 3),
    ];

    public static TheoryData<string, int, int> Prefixes()
    {
        var data = new TheoryData<string, int, int>();
        foreach (var (file, index) in s_frames)
        {
            for (var length = 0; length <= Captures.Get(file).Frames[index].Length; length++)
            {
                data.Add(file, index, length);
            }
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Prefixes))]
    public void Parse_TruncatedFrame_ReturnsReasonOrConsistentLayout(string file, int index, int length)
    {
        var capture = Captures.Get(file);
        var whole = capture.Frames[index];
        Assert.Equal(DropReason.None, PacketParser.Parse(capture.LinkType, whole, out var full));
        var prefix = whole.AsSpan(0, length);

        var reason = PacketParser.Parse(capture.LinkType, prefix, out var layout);

        var expected = length < full.IpOffset ? DropReason.TruncatedLinkHeader
            : length < full.IpOffset + full.IpHeaderLength ? DropReason.TruncatedIpHeader
            : length < full.PayloadOffset ? DropReason.TruncatedTcpHeader
            : DropReason.None;
        Assert.Equal(expected, reason);
        if (reason != DropReason.None)
        {
            return;
        }
        // Headers whole: the layout is the full one with the payload cut to what is there.
        Assert.Equal(full.IpOffset, layout.IpOffset);
        Assert.Equal(full.TcpOffset, layout.TcpOffset);
        Assert.Equal(full.PayloadOffset, layout.PayloadOffset);
        Assert.Equal(Math.Min(full.PayloadLength, length - full.PayloadOffset), layout.PayloadLength);
        Assert.True(layout.IpOffset + layout.IpLength <= length);
        Assert.Equal(full.Outgoing, layout.Outgoing);
        var tcp = new TcpHeader(prefix.Slice(layout.TcpOffset, layout.TcpHeaderLength));
        Assert.True(TcpOptionReader.TryRead(tcp.Options, out _));
        Assert.Equal(PacketParser.ReadKey(whole, full), PacketParser.ReadKey(prefix, layout));
    }

    [Theory]
    [InlineData(LinkType.Ethernet)]
    [InlineData(LinkType.LinuxSll)]
    [InlineData(LinkType.LinuxSll2)]
    [InlineData(LinkType.Raw)]
    public void Parse_RandomBytes_NeverThrowsAndLayoutStaysInFrame(LinkType linkType)
    {
        var random = new Random((int)linkType);
        var template = Captures.Get("eth-ipv4.pcap").Frames[0];
        for (var i = 0; i < 50_000; i++)
        {
            var frame = new byte[random.Next(0, 120)];
            random.NextBytes(frame);
            // Half the inputs start from a real frame with a few bytes flipped, so deep branches are reached.
            if (i % 2 == 0)
            {
                template.AsSpan(0, Math.Min(template.Length, frame.Length)).CopyTo(frame);
                for (var flips = random.Next(1, 4); flips > 0 && frame.Length > 0; flips--)
                {
                    frame[random.Next(frame.Length)] = (byte)random.Next(256);
                }
            }

            if (PacketParser.Parse(linkType, frame, out var layout) == DropReason.None)
            {
                Assert.InRange(layout.IpOffset, 0, frame.Length);
                Assert.True(layout.PayloadLength >= 0);
                Assert.True(layout.TcpHeaderLength >= TcpHeader.MinLength);
                Assert.True(layout.PayloadOffset + layout.PayloadLength <= frame.Length);
                Assert.Equal(layout.IpOffset + layout.IpLength, layout.PayloadOffset + layout.PayloadLength);
                TcpOptionReader.TryRead(new TcpHeader(frame.AsSpan(layout.TcpOffset, layout.TcpHeaderLength)).Options, out _);
                PacketParser.ReadKey(frame, layout);
            }
        }
    }
}
