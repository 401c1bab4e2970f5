using BenchmarkDotNet.Attributes;
using TcpShadow.Benchmarks.Support;
using TcpShadow.DataPlane.Packets;

namespace TcpShadow.Benchmarks.Packets;

/// <summary>Finding the IP and TCP layers of a captured frame: the first thing a shard does per packet.</summary>
[MemoryDiagnoser]
public class PacketParserBenchmark
{
    private const int Batch = 1024;

    private byte[][] _frames = [];
    private LinkType _linkType;

    [Params("eth-ipv4", "eth-vlan", "sll-vlan", "sll2-ipv6")]
    public string Capture { get; set; } = "eth-ipv4";

    [GlobalSetup]
    public void Setup()
    {
        var file = Fixtures.Load(Capture + ".pcap");
        _linkType = file.LinkType;
        _frames = Fixtures.Batch(file, Batch);
        Fixtures.Layouts(_linkType, _frames);
    }

    [Benchmark(OperationsPerInvoke = Batch)]
    public int Parse()
    {
        var frames = _frames;
        var payload = 0;
        for (var i = 0; i < frames.Length; i++)
        {
            if (PacketParser.Parse(_linkType, frames[i], out var layout) == DropReason.None)
            {
                payload += layout.PayloadLength;
            }
        }
        return payload;
    }

    /// <summary>Parse, then what a shard needs to route and track the packet: the flow key, its hash, the options.</summary>
    [Benchmark(OperationsPerInvoke = Batch)]
    public ulong ParseKeyAndOptions()
    {
        var frames = _frames;
        ulong mix = 0;
        for (var i = 0; i < frames.Length; i++)
        {
            var frame = frames[i];
            if (PacketParser.Parse(_linkType, frame, out var layout) != DropReason.None)
            {
                continue;
            }
            mix ^= PacketParser.ReadKey(frame, layout).Hash;
            var tcp = new TcpHeader(frame.AsSpan(layout.TcpOffset, layout.TcpHeaderLength));
            if (TcpOptionReader.TryRead(tcp.Options, out var options))
            {
                mix += options.TsVal;
            }
        }
        return mix;
    }
}
