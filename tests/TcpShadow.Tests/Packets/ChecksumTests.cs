using System.Buffers.Binary;
using TcpShadow.DataPlane.Packets;
using TcpShadow.Tests.Support;

namespace TcpShadow.Tests.Packets;

public class ChecksumTests
{
    private const int Iterations = 20_000;

    [Fact]
    public void Add_Rfc1071Example_MatchesPublishedSum()
    {
        // RFC 1071 section 3: the words 0001 f203 f4f5 f6f7 sum to 2ddf0, which folds to ddf2.
        byte[] data = [0x00, 0x01, 0xF2, 0x03, 0xF4, 0xF5, 0xF6, 0xF7];

        Assert.Equal(0x2DDF0u, Checksum.Add(0, data));
        Assert.Equal((ushort)0x220D, Checksum.Fold(Checksum.Add(0, data)));
    }

    [Fact]
    public void Add_AnyLengthAndContent_EqualsWordByWordSum()
    {
        var random = new Random(1071);
        for (var i = 0; i < Iterations; i++)
        {
            var data = new byte[random.Next(0, 200)];
            // Bias towards 0xFF so the carries and the fold are exercised, not just average data.
            if (random.Next(4) == 0)
            {
                data.AsSpan().Fill(0xFF);
            }
            else
            {
                random.NextBytes(data);
            }
            var seed = (uint)random.Next(0, 0x20000);

            Assert.Equal(Checksum.Fold(NaiveSum(seed, data)), Checksum.Fold(Checksum.Add(seed, data)));
        }
    }

    [Fact]
    public void Update16_EveryWindowValue_EqualsFullRecompute()
    {
        var packet = Packet.Load("eth-ipv4.pcap", 0);
        var original = packet.Window;
        var checksum = packet.TcpChecksum;
        for (var value = 0; value <= ushort.MaxValue; value++)
        {
            packet.Window = (ushort)value;

            Assert.Equal(packet.FullTcpChecksum(), Checksum.Update16(checksum, original, (ushort)value));
        }
    }

    [Theory]
    [InlineData("eth-ipv4.pcap")]
    [InlineData("eth-ipv6.pcap")]
    [InlineData("sll-vlan.pcap")]
    public void Update_RandomFieldChanges_EqualFullRecompute(string file)
    {
        var random = new Random(1624);
        var frames = Captures.Get(file).Frames.Count;
        for (var i = 0; i < Iterations; i++)
        {
            var packet = Packet.Load(file, random.Next(frames));
            // Chain several updates on one packet so an error in any step compounds instead of hiding.
            for (var step = 0; step < 4; step++)
            {
                var tcpChecksum = packet.TcpChecksum;
                switch (random.Next(7))
                {
                    case 0:
                        var port = (ushort)random.Next(0x10000);
                        packet.TcpChecksum = Checksum.Update16(tcpChecksum, packet.SourcePort, port);
                        packet.SourcePort = port;
                        break;
                    case 1:
                        port = (ushort)random.Next(0x10000);
                        packet.TcpChecksum = Checksum.Update16(tcpChecksum, packet.DestinationPort, port);
                        packet.DestinationPort = port;
                        break;
                    case 2:
                        var sequence = (uint)random.NextInt64(0x1_0000_0000);
                        packet.TcpChecksum = Checksum.Update32(tcpChecksum, packet.Sequence, sequence);
                        packet.Sequence = sequence;
                        break;
                    case 3:
                        var ack = (uint)random.NextInt64(0x1_0000_0000);
                        packet.TcpChecksum = Checksum.Update32(tcpChecksum, packet.Ack, ack);
                        packet.Ack = ack;
                        break;
                    case 4:
                        var window = (ushort)random.Next(0x10000);
                        packet.TcpChecksum = Checksum.Update16(tcpChecksum, packet.Window, window);
                        packet.Window = window;
                        break;
                    default:
                        packet.ChangeAddress(random, source: random.Next(2) == 0);
                        break;
                }

                Assert.Equal(packet.FullTcpChecksum(), packet.TcpChecksum);
                if (packet.IsIpv4)
                {
                    Assert.Equal(packet.FullIpChecksum(), packet.IpChecksum);
                }
            }
        }
    }

    [Fact]
    public void Update32_ToSameValue_LeavesChecksumUnchanged()
    {
        var random = new Random(7);
        for (var i = 0; i < Iterations; i++)
        {
            var checksum = (ushort)random.Next(0, 0xFFFF);
            var value = (uint)random.NextInt64(0x1_0000_0000);

            Assert.Equal(checksum, Checksum.Update32(checksum, value, value));
            Assert.Equal(checksum, Checksum.Update16(checksum, (ushort)value, (ushort)value));
        }
    }

    private static uint NaiveSum(uint seed, byte[] data)
    {
        ulong sum = seed;
        for (var i = 0; i < data.Length; i += 2)
        {
            sum += (uint)(data[i] << 8) | (i + 1 < data.Length ? data[i + 1] : 0u);
        }
        while (sum > 0xFFFF_FFFF)
        {
            sum = (sum & 0xFFFF_FFFF) + (sum >> 32);
        }
        return (uint)sum;
    }

    /// <summary>A mutable copy of one fixture packet with its fields at the parser's offsets.</summary>
    private sealed class Packet
    {
        private readonly byte[] _frame;
        private readonly PacketLayout _layout;

        private Packet(byte[] frame, PacketLayout layout)
        {
            _frame = frame;
            _layout = layout;
        }

        public bool IsIpv4 => _layout.IpVersion == 4;

        public ushort SourcePort { get => Get16(Tcp); set => Set16(Tcp, value); }

        public ushort DestinationPort { get => Get16(Tcp[TcpHeader.DestinationPortOffset..]); set => Set16(Tcp[TcpHeader.DestinationPortOffset..], value); }

        public uint Sequence { get => Get32(Tcp[TcpHeader.SequenceOffset..]); set => Set32(Tcp[TcpHeader.SequenceOffset..], value); }

        public uint Ack { get => Get32(Tcp[TcpHeader.AckOffset..]); set => Set32(Tcp[TcpHeader.AckOffset..], value); }

        public ushort Window { get => Get16(Tcp[TcpHeader.WindowOffset..]); set => Set16(Tcp[TcpHeader.WindowOffset..], value); }

        public ushort TcpChecksum { get => Get16(Tcp[TcpHeader.ChecksumOffset..]); set => Set16(Tcp[TcpHeader.ChecksumOffset..], value); }

        public ushort IpChecksum { get => Get16(Ip[Ipv4Header.ChecksumOffset..]); set => Set16(Ip[Ipv4Header.ChecksumOffset..], value); }

        private Span<byte> Ip => _frame.AsSpan(_layout.IpOffset, _layout.IpLength);

        private Span<byte> Tcp => _frame.AsSpan(_layout.TcpOffset, _layout.IpLength - _layout.IpHeaderLength);

        public static Packet Load(string file, int index)
        {
            var capture = Captures.Get(file);
            var frame = capture.Frames[index].ToArray();
            Assert.Equal(DropReason.None, PacketParser.Parse(capture.LinkType, frame, out var layout));
            return new Packet(frame, layout);
        }

        public ushort FullTcpChecksum()
        {
            var ip = Ip;
            return IsIpv4
                ? Checksum.TcpIpv4(new Ipv4Header(ip).Source, new Ipv4Header(ip).Destination, Tcp)
                : Checksum.TcpIpv6(new Ipv6Header(ip).Source, new Ipv6Header(ip).Destination, Tcp);
        }

        public ushort FullIpChecksum() => Checksum.Ipv4Header(Ip[.._layout.IpHeaderLength]);

        /// <summary>Rewrites one address: the IPv4 header checksum and the TCP pseudo-header sum both move.</summary>
        public void ChangeAddress(Random random, bool source)
        {
            if (IsIpv4)
            {
                var field = Ip[(source ? Ipv4Header.SourceOffset : Ipv4Header.DestinationOffset)..];
                var old = Get32(field);
                var value = (uint)random.NextInt64(0x1_0000_0000);
                IpChecksum = Checksum.Update32(IpChecksum, old, value);
                TcpChecksum = Checksum.Update32(TcpChecksum, old, value);
                Set32(field, value);
                return;
            }
            // An IPv6 address is four 32-bit words of the pseudo-header.
            var address = Ip.Slice(source ? Ipv6Header.SourceOffset : Ipv6Header.DestinationOffset, 16);
            for (var word = 0; word < 16; word += 4)
            {
                var old = Get32(address[word..]);
                var value = (uint)random.NextInt64(0x1_0000_0000);
                TcpChecksum = Checksum.Update32(TcpChecksum, old, value);
                Set32(address[word..], value);
            }
        }

        private static ushort Get16(Span<byte> field) => BinaryPrimitives.ReadUInt16BigEndian(field);

        private static uint Get32(Span<byte> field) => BinaryPrimitives.ReadUInt32BigEndian(field);

        private static void Set16(Span<byte> field, ushort value) => BinaryPrimitives.WriteUInt16BigEndian(field, value);

        private static void Set32(Span<byte> field, uint value) => BinaryPrimitives.WriteUInt32BigEndian(field, value);
    }
}
