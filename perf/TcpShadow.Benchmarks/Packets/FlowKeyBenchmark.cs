using BenchmarkDotNet.Attributes;
using TcpShadow.DataPlane.Packets;

namespace TcpShadow.Benchmarks.Packets;

/// <summary>The flow hash that picks a packet's shard and routes the intercept's responses back to it.</summary>
[MemoryDiagnoser]
public class FlowKeyBenchmark
{
    private const int Batch = 1024;

    private FlowKey[] _keys = [];

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(4);
        _keys = new FlowKey[Batch];
        Span<byte> v6 = stackalloc byte[16];
        for (var i = 0; i < Batch; i++)
        {
            // Three in four flows IPv4 (198.18.0.0/15), the rest IPv6 (2001:2::/48), ephemeral client ports.
            FlowAddress client;
            if (i % 4 != 0)
            {
                client = FlowAddress.FromV4(0xC6120000u | (uint)random.Next(0x20000));
            }
            else
            {
                random.NextBytes(v6);
                v6[0] = 0x20;
                v6[1] = 0x01;
                v6[2] = 0x00;
                v6[3] = 0x02;
                client = FlowAddress.FromV6Bytes(v6);
            }
            var server = client.IsIPv4 ? FlowAddress.FromV4(0xC6120102u) : FlowAddress.FromV6Bytes(v6);
            _keys[i] = new FlowKey(client, (ushort)random.Next(32768, 61000), server, 80);
        }
    }

    [Benchmark(OperationsPerInvoke = Batch)]
    public ulong Hash()
    {
        var keys = _keys;
        ulong mix = 0;
        for (var i = 0; i < keys.Length; i++)
        {
            mix ^= keys[i].Hash;
        }
        return mix;
    }
}
