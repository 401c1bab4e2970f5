using System.Text;
using TcpShadow.DataPlane.Packets;
using TcpShadow.DataPlane.Sending;

namespace TcpShadow.Tests.Support;

/// <summary>Builds client and target segments as real IP packets for engine tests.</summary>
public static class SegmentFactory
{
    /// <summary>MSS 1460, SACK-permitted, timestamps, window scale 7: what a Linux client's SYN carries.</summary>
    public static byte[] LinuxSynOptions(uint tsVal, uint tsEcr = 0)
    {
        var o = new byte[20];
        o[0] = 2; o[1] = 4; o[2] = 0x05; o[3] = 0xB4;
        o[4] = 4; o[5] = 2;
        o[6] = 8; o[7] = 10;
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(o.AsSpan(8), tsVal);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(o.AsSpan(12), tsEcr);
        o[16] = 1; o[17] = 3; o[18] = 3; o[19] = 7;
        return o;
    }

    public static byte[] Build(FlowKey key, uint seq, uint ack, TcpFlags flags, string payload = "", byte[]? options = null, ushort window = 502, bool timestamps = false, uint tsVal = 0, uint tsEcr = 0)
    {
        var buffer = new byte[2000];
        var spec = new TcpSegmentSpec
        {
            Key = key,
            Sequence = seq,
            Ack = ack,
            Flags = flags,
            Window = window,
            Options = options ?? ReadOnlySpan<byte>.Empty,
            TimestampsOption = timestamps,
            TsVal = tsVal,
            TsEcr = tsEcr,
            Payload = Encoding.ASCII.GetBytes(payload),
        };
        var length = TcpPacketBuilder.Write(buffer, spec);
        return buffer[..length];
    }

    /// <summary>A target response as intercept forwards it: headers only, the IP length still counting the payload.</summary>
    public static byte[] Response(FlowKey targetKey, uint seq, uint ack, TcpFlags flags, int payloadLength = 0, byte[]? options = null, ushort window = 509, bool timestamps = false, uint tsVal = 0, uint tsEcr = 0)
    {
        var reversed = new FlowKey(targetKey.Server, targetKey.ServerPort, targetKey.Client, targetKey.ClientPort);
        var full = Build(reversed, seq, ack, flags, new string('r', payloadLength), options, window, timestamps, tsVal, tsEcr);
        Assert.Equal(DropReason.None, PacketParser.ParseIp(full, out var layout));
        return full[..layout.PayloadOffset];
    }
}
