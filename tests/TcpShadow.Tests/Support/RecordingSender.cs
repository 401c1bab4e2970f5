using TcpShadow.DataPlane.Packets;
using TcpShadow.DataPlane.Sending;

namespace TcpShadow.Tests.Support;

/// <summary>Keeps every packet the engine sends, parsed, for assertions.</summary>
public sealed class SentLog
{
    public List<byte[]> Packets { get; } = new();

    public int FailNext { get; set; }

    public SentSegment this[int index] => new(Packets[index]);

    public SentSegment Last => new(Packets[^1]);

    public int Count => Packets.Count;

    public void Clear() => Packets.Clear();
}

public readonly struct RecordingSender : IPacketSender
{
    private readonly SentLog _log;

    public RecordingSender(SentLog log) => _log = log;

    public int Flush(out int lastErrno)
    {
        lastErrno = 0;
        return 0;
    }

    public int Send(ReadOnlySpan<byte> ipPacket, in FlowAddress destination)
    {
        if (_log.FailNext > 0)
        {
            _log.FailNext--;
            return 105;
        }
        _log.Packets.Add(ipPacket.ToArray());
        return 0;
    }
}

/// <summary>A parsed copy of one sent packet.</summary>
public readonly struct SentSegment
{
    public SentSegment(byte[] packet)
    {
        Bytes = packet;
        Assert.Equal(DropReason.None, PacketParser.ParseIp(packet, out var layout));
        Layout = layout;
        Key = PacketParser.ReadKey(packet, layout);
    }

    public byte[] Bytes { get; }

    public PacketLayout Layout { get; }

    public FlowKey Key { get; }

    public uint Seq => new TcpHeader(Bytes.AsSpan(Layout.TcpOffset)).Sequence;

    public uint Ack => new TcpHeader(Bytes.AsSpan(Layout.TcpOffset)).Ack;

    public TcpFlags Flags => new TcpHeader(Bytes.AsSpan(Layout.TcpOffset)).Flags;

    public int PayloadLength => Layout.PayloadLength;

    public string Payload => System.Text.Encoding.ASCII.GetString(Bytes, Layout.PayloadOffset, Layout.PayloadLength);

    public TcpOptions Options
    {
        get
        {
            TcpOptionReader.TryRead(new TcpHeader(Bytes.AsSpan(Layout.TcpOffset)).Options, out var o);
            return o;
        }
    }

    public override string ToString() => $"{Key} seq={Seq} ack={Ack} {Flags} len={PayloadLength}";
}
