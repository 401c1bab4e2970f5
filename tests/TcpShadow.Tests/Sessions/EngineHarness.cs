using TcpShadow.DataPlane.Packets;
using TcpShadow.DataPlane.Sessions;
using TcpShadow.Tests.Support;

namespace TcpShadow.Tests.Sessions;

/// <summary>An engine wired to a recording sender and registrar, a client on 198.18.1.2 and a scripted target.</summary>
public sealed class EngineHarness
{
    public static readonly FlowAddress Client = Addr("198.18.1.2");
    public static readonly FlowAddress Online = Addr("198.18.1.1");
    public static readonly FlowAddress Target = Addr("198.18.2.2");

    public EngineHarness(EngineOptions? options = null, ClientAddressPool? pool = null)
    {
        Options = options ?? new EngineOptions();
        var map = new TargetMap([new TargetRoute(Online, 80, Target, 8080)]);
        Engine = new SessionEngine<RecordingSender>(Options, map, pool, Registrar, new RecordingSender(Sent));
    }

    public EngineOptions Options { get; }

    public SentLog Sent { get; } = new();

    public RecordingRegistrar Registrar { get; } = new();

    public SessionEngine<RecordingSender> Engine { get; }

    public EngineCounters Counters => Engine.Counters;

    public long Now { get; set; } = 1_000_000;

    public static FlowAddress Addr(string text)
    {
        Assert.True(FlowAddress.TryParse(text, out var a));
        return a;
    }

    public static FlowKey OnlineKey(ushort clientPort = 40000, FlowAddress? client = null) => new(client ?? Client, clientPort, Online, 80);

    public static FlowKey TargetKey(ushort clientPort = 40000, FlowAddress? client = null) => new(client ?? Client, clientPort, Target, 8080);

    public void FromClient(byte[] packet, long captureUs = -1)
    {
        Assert.Equal(DropReason.None, PacketParser.ParseIp(packet, out var layout));
        Engine.OnClientPacket(packet, layout, Now, captureUs < 0 ? Now : captureUs);
    }

    public void FromTarget(byte[] record)
    {
        Engine.OnResponse(record, Now);
        Engine.FlushAcks(Now);
    }

    public void Advance(long us)
    {
        Now += us;
        Engine.OnTimer(Now);
    }

    /// <summary>Client SYN (ISN <paramref name="isn"/>), target SYN-ACK (ISN <paramref name="targetIsn"/>), client ACK.</summary>
    public void Handshake(uint isn = 1000, uint targetIsn = 5000, ushort port = 40000, bool timestamps = false)
    {
        var options = timestamps ? SegmentFactory.LinuxSynOptions(100) : null;
        FromClient(SegmentFactory.Build(OnlineKey(port), isn, 0, TcpFlags.Syn, options: options), Now);
        var synAckOptions = timestamps ? SegmentFactory.LinuxSynOptions(7000, 100) : new byte[] { 2, 4, 0x05, 0xB4 };
        FromTarget(SegmentFactory.Response(TargetKey(port), targetIsn, isn + 1, TcpFlags.Syn | TcpFlags.Ack, options: synAckOptions));
        Now += 50;
        FromClient(SegmentFactory.Build(OnlineKey(port), isn + 1, 9001, TcpFlags.Ack, timestamps: timestamps, tsVal: 101, tsEcr: 1), Now);
    }
}
