using System.Buffers.Binary;
using BenchmarkDotNet.Attributes;
using TcpShadow.Benchmarks.Support;
using TcpShadow.DataPlane.Packets;

namespace TcpShadow.Benchmarks.Packets;

/// <summary>
/// The sender's rewrite of a copied IPv4 segment: destination address and port, sequence, ack and window,
/// with both checksums patched by RFC 1624, against recomputing both in full after the same rewrite.
/// </summary>
[MemoryDiagnoser]
public class IncrementalChecksumBenchmark
{
    private const int Batch = 1024;

    private byte[][] _frames = [];
    private PacketLayout[] _layouts = [];
    private uint _round;

    [GlobalSetup]
    public void Setup()
    {
        var file = Fixtures.Load("eth-ipv4.pcap");
        _frames = Fixtures.Batch(file, Batch);
        _layouts = Fixtures.Layouts(file.LinkType, _frames);
    }

    [Benchmark(OperationsPerInvoke = Batch, Baseline = true)]
    public int Incremental()
    {
        var round = ++_round;
        var sum = 0;
        for (var i = 0; i < _frames.Length; i++)
        {
            var ip = _frames[i].AsSpan(_layouts[i].IpOffset, _layouts[i].IpHeaderLength);
            var tcp = _frames[i].AsSpan(_layouts[i].TcpOffset);
            var ipChecksum = BinaryPrimitives.ReadUInt16BigEndian(ip[Ipv4Header.ChecksumOffset..]);
            var tcpChecksum = BinaryPrimitives.ReadUInt16BigEndian(tcp[TcpHeader.ChecksumOffset..]);

            var destination = BinaryPrimitives.ReadUInt32BigEndian(ip[Ipv4Header.DestinationOffset..]);
            var newDestination = 0xC6130000u | (round & 0xFFFF);
            ipChecksum = Checksum.Update32(ipChecksum, destination, newDestination);
            tcpChecksum = Checksum.Update32(tcpChecksum, destination, newDestination);
            BinaryPrimitives.WriteUInt32BigEndian(ip[Ipv4Header.DestinationOffset..], newDestination);

            tcpChecksum = Rewrite16(tcp, TcpHeader.DestinationPortOffset, (ushort)(8000 + (round & 0xFF)), tcpChecksum);
            tcpChecksum = Rewrite32(tcp, TcpHeader.SequenceOffset, round * 7919, tcpChecksum);
            tcpChecksum = Rewrite32(tcp, TcpHeader.AckOffset, round * 104729, tcpChecksum);
            tcpChecksum = Rewrite16(tcp, TcpHeader.WindowOffset, (ushort)round, tcpChecksum);

            BinaryPrimitives.WriteUInt16BigEndian(ip[Ipv4Header.ChecksumOffset..], ipChecksum);
            BinaryPrimitives.WriteUInt16BigEndian(tcp[TcpHeader.ChecksumOffset..], tcpChecksum);
            sum += tcpChecksum;
        }
        return sum;
    }

    [Benchmark(OperationsPerInvoke = Batch)]
    public int FullRecompute()
    {
        var round = ++_round;
        var sum = 0;
        for (var i = 0; i < _frames.Length; i++)
        {
            ref readonly var layout = ref _layouts[i];
            var ip = _frames[i].AsSpan(layout.IpOffset, layout.IpLength);
            var tcp = ip[layout.IpHeaderLength..];
            BinaryPrimitives.WriteUInt32BigEndian(ip[Ipv4Header.DestinationOffset..], 0xC6130000u | (round & 0xFFFF));
            BinaryPrimitives.WriteUInt16BigEndian(tcp[TcpHeader.DestinationPortOffset..], (ushort)(8000 + (round & 0xFF)));
            BinaryPrimitives.WriteUInt32BigEndian(tcp[TcpHeader.SequenceOffset..], round * 7919);
            BinaryPrimitives.WriteUInt32BigEndian(tcp[TcpHeader.AckOffset..], round * 104729);
            BinaryPrimitives.WriteUInt16BigEndian(tcp[TcpHeader.WindowOffset..], (ushort)round);

            var header = new Ipv4Header(ip);
            BinaryPrimitives.WriteUInt16BigEndian(ip[Ipv4Header.ChecksumOffset..], Checksum.Ipv4Header(ip[..layout.IpHeaderLength]));
            var tcpChecksum = Checksum.TcpIpv4(header.Source, header.Destination, tcp);
            BinaryPrimitives.WriteUInt16BigEndian(tcp[TcpHeader.ChecksumOffset..], tcpChecksum);
            sum += tcpChecksum;
        }
        return sum;
    }

    private static ushort Rewrite16(Span<byte> tcp, int offset, ushort value, ushort checksum)
    {
        var old = BinaryPrimitives.ReadUInt16BigEndian(tcp[offset..]);
        BinaryPrimitives.WriteUInt16BigEndian(tcp[offset..], value);
        return Checksum.Update16(checksum, old, value);
    }

    private static ushort Rewrite32(Span<byte> tcp, int offset, uint value, ushort checksum)
    {
        var old = BinaryPrimitives.ReadUInt32BigEndian(tcp[offset..]);
        BinaryPrimitives.WriteUInt32BigEndian(tcp[offset..], value);
        return Checksum.Update32(checksum, old, value);
    }
}
