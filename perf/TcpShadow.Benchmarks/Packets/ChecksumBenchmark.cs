using BenchmarkDotNet.Attributes;
using TcpShadow.DataPlane.Packets;

namespace TcpShadow.Benchmarks.Packets;

/// <summary>The full RFC 1071 sum: an IPv4 header and TCP segments from a bare ACK to a full-MSS segment.</summary>
[MemoryDiagnoser]
public class ChecksumBenchmark
{
    private const int Batch = 256;

    private byte[][] _segments = [];
    private byte[] _ipHeader = [];

    /// <summary>TCP segment bytes: 32 is an ACK with timestamps, 1448 a full segment at MSS 1460 with timestamps.</summary>
    [Params(32, 1448 + 32)]
    public int SegmentBytes { get; set; } = 32;

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(1071);
        _segments = new byte[Batch][];
        for (var i = 0; i < Batch; i++)
        {
            _segments[i] = new byte[SegmentBytes];
            random.NextBytes(_segments[i]);
        }
        _ipHeader = new byte[DataPlane.Packets.Ipv4Header.MinLength];
        random.NextBytes(_ipHeader);
    }

    [Benchmark(OperationsPerInvoke = Batch)]
    public int TcpIpv4()
    {
        var segments = _segments;
        var sum = 0;
        for (var i = 0; i < segments.Length; i++)
        {
            sum += Checksum.TcpIpv4(0xC6123201u + (uint)i, 0xC6123202u, segments[i]);
        }
        return sum;
    }

    [Benchmark(OperationsPerInvoke = Batch)]
    public int Ipv4HeaderSum()
    {
        var header = _ipHeader;
        var sum = 0;
        for (var i = 0; i < Batch; i++)
        {
            header[DataPlane.Packets.Ipv4Header.IdentificationOffset] = (byte)i;
            sum += Checksum.Ipv4Header(header);
        }
        return sum;
    }
}
