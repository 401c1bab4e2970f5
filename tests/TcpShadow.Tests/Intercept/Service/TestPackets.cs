using System.Buffers.Binary;
using TcpShadow.DataPlane.Packets;

namespace TcpShadow.Tests.Intercept.Service;

internal static class TestPackets
{
    /// <summary>An IPv4 TCP segment from <paramref name="source"/> to <paramref name="destination"/> with the given flags and payload.</summary>
    public static byte[] Tcp(string source, ushort sourcePort, string destination, ushort destinationPort, TcpFlags flags, int payload = 0)
    {
        var bytes = new byte[40 + payload];
        bytes[0] = 0x45;
        BinaryPrimitives.WriteUInt16BigEndian(bytes.AsSpan(2), (ushort)bytes.Length);
        bytes[8] = 64;
        bytes[9] = 6;
        Assert.True(FlowAddress.TryParse(source, out var src));
        Assert.True(FlowAddress.TryParse(destination, out var dst));
        src.WriteV4(bytes.AsSpan(12));
        dst.WriteV4(bytes.AsSpan(16));
        BinaryPrimitives.WriteUInt16BigEndian(bytes.AsSpan(20), sourcePort);
        BinaryPrimitives.WriteUInt16BigEndian(bytes.AsSpan(22), destinationPort);
        BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(24), 0x11223344);
        BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(28), 0x55667788);
        bytes[32] = 5 << 4;
        bytes[33] = (byte)flags;
        BinaryPrimitives.WriteUInt16BigEndian(bytes.AsSpan(34), 65535);
        for (var i = 0; i < payload; i++)
        {
            bytes[40 + i] = (byte)i;
        }
        return bytes;
    }

    public static FlowKey Key(string client, ushort clientPort, string server, ushort serverPort)
    {
        Assert.True(FlowAddress.TryParse(client, out var c));
        Assert.True(FlowAddress.TryParse(server, out var s));
        return new FlowKey(c, clientPort, s, serverPort);
    }

    public static async Task WaitUntil(Func<bool> condition, string what, int timeoutMs = 10_000)
    {
        var deadline = Environment.TickCount64 + timeoutMs;
        while (!condition())
        {
            if (Environment.TickCount64 > deadline)
            {
                Assert.Fail($"Timed out after {timeoutMs} ms waiting for {what}.");
            }
            await Task.Delay(5, TestContext.Current.CancellationToken);
        }
    }
}
