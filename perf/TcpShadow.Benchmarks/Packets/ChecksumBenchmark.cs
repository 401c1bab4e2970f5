using BenchmarkDotNet.Attributes;
using TcpShadow.DataPlane.Packets;

namespace TcpShadow.Benchmarks.Packets;

/// <summary>The full RFC 1071 sum: an IPv4 header, and TCP segments from a bare ACK to a full-MSS segment.</summary>
[MemoryDiagnoser]
public class ChecksumBenchmark
{
    private const int Batch = 256;
    // An ACK with timestamps (20 + 12 bytes), and 1448 bytes of data at MSS 1460 with timestamps.
    private const int AckBytes = 32;
    private const int FullSegmentBytes = 32 + 1448;

    private byte[][] _acks = [];
    private byte[][] _fullSegments = [];
    private byte[] _ipHeader = [];

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(1071);
        _acks = Segments(random, AckBytes);
        _fullSegments = Segments(random, FullSegmentBytes);
        _ipHeader = new byte[Ipv4Header.MinLength];
        random.NextBytes(_ipHeader);
    }

    [Benchmark(OperationsPerInvoke = Batch)]
    public int TcpIpv4Ack() => SumAll(_acks);

    [Benchmark(OperationsPerInvoke = Batch)]
    public int TcpIpv4FullSegment() => SumAll(_fullSegments);

    [Benchmark(OperationsPerInvoke = Batch)]
    public int Ipv4HeaderSum()
    {
        var header = _ipHeader;
        var sum = 0;
        for (var i = 0; i < Batch; i++)
        {
            header[Ipv4Header.IdentificationOffset] = (byte)i;
            sum += Checksum.Ipv4Header(header);
        }
        return sum;
    }

    private static int SumAll(byte[][] segments)
    {
        var sum = 0;
        for (var i = 0; i < segments.Length; i++)
        {
            sum += Checksum.TcpIpv4(0xC6123201u + (uint)i, 0xC6123202u, segments[i]);
        }
        return sum;
    }

    private static byte[][] Segments(Random random, int length)
    {
        var segments = new byte[Batch][];
        for (var i = 0; i < Batch; i++)
        {
            segments[i] = new byte[length];
            random.NextBytes(segments[i]);
        }
        return segments;
    }
}
