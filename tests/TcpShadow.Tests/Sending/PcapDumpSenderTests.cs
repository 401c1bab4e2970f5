using PacketDotNet;
using SharpPcap;
using SharpPcap.LibPcap;
using TcpShadow.DataPlane.Capture;
using TcpShadow.DataPlane.Packets;
using TcpShadow.DataPlane.Sending;
using TcpShadow.DataPlane.Sessions;
using TcpShadow.Tests.Support;

namespace TcpShadow.Tests.Sending;

public class PcapDumpSenderTests
{
    private static readonly FlowKey s_key = new(Addr("198.18.1.2"), 40000, Addr("198.18.2.2"), 8080);

    [Fact]
    public void Send_TwoPackets_WritesARawPcapOurReaderReadsBack()
    {
        using var file = TempFile.New();
        var syn = SegmentFactory.Build(s_key, 1000, 0, TcpFlags.Syn);
        var data = SegmentFactory.Build(s_key, 1001, 9001, TcpFlags.Ack | TcpFlags.Psh, "GET / HTTP/1.1\r\n\r\n");
        var clock = 1_700_000_000_123_456L;
        using (var sender = PcapDumpSender.Create(file.Path, () => clock++))
        {
            Assert.Equal(0, sender.Send(syn, s_key.Server));
            Assert.Equal(0, sender.Send(data, s_key.Server));
            Assert.Equal(2, sender.PacketsWritten);
        }

        using var reader = PcapFileReader.Open(file.Path);
        Assert.Equal(LinkType.Raw, reader.FileLinkType);
        Assert.Equal(PcapReadStatus.Record, reader.ReadNext());
        Assert.Equal(syn, reader.Frame.ToArray());
        Assert.Equal(1_700_000_000_123_456L, reader.TimestampUs);
        Assert.Equal(PcapReadStatus.Record, reader.ReadNext());
        Assert.Equal(data, reader.Frame.ToArray());
        Assert.Equal(PcapReadStatus.End, reader.ReadNext());
    }

    [Fact]
    public void Send_Packet_WritesAPcapThatLibpcapAndPacketDotNetRead()
    {
        using var file = TempFile.New();
        var data = SegmentFactory.Build(s_key, 1001, 9001, TcpFlags.Ack | TcpFlags.Psh, "hello");
        using (var sender = PcapDumpSender.Create(file.Path))
        {
            sender.Send(data, s_key.Server);
        }

        using var device = new CaptureFileReaderDevice(file.Path);
        device.Open();
        Assert.Equal(GetPacketStatus.PacketRead, device.GetNextPacket(out var capture));
        var packet = capture.GetPacket().GetPacket();
        var tcp = packet.Extract<TcpPacket>();
        Assert.NotNull(tcp);
        Assert.Equal(8080, tcp.DestinationPort);
        Assert.Equal("hello", System.Text.Encoding.ASCII.GetString(tcp.PayloadData));
        Assert.Equal(GetPacketStatus.NoRemainingPackets, device.GetNextPacket(out _));
    }

    [Fact]
    public void Engine_FixtureCaptureReplayedIntoDump_WritesASynToTheMappedTarget()
    {
        // The fixture's client talks to 198.18.50.2:8080; map that port to 198.18.2.2:80 and replay it offline.
        using var file = TempFile.New();
        var target = Addr("198.18.2.2");
        var map = new TargetMap([new TargetRoute(null, 8080, target, 80)]);
        var sender = PcapDumpSender.Create(file.Path);
        var engine = new SessionEngine<PcapDumpSender>(new EngineOptions(), map, null, new RecordingRegistrar(), sender);
        var now = 1_000_000L;
        using (var source = PcapFileSource.Open(Path.Combine(Captures.Directory, "eth-ipv4.pcap"), new PcapReplayOptions { IdleGap = TimeSpan.Zero }, () => now))
        {
            var handler = new EngineHandler(engine, source.LinkType, now);
            for (var i = 0; i < 100 && !source.Finished; i++)
            {
                source.Drain(ref handler, 256);
            }
            Assert.True(source.Finished);
            Assert.True(source.FramesReplayed > 0);
        }
        sender.Dispose();

        using var reader = PcapFileReader.Open(file.Path);
        Assert.Equal(PcapReadStatus.Record, reader.ReadNext());
        Assert.Equal(DropReason.None, PacketParser.ParseIp(reader.Frame, out var layout));
        var key = PacketParser.ReadKey(reader.Frame, layout);
        var tcp = new TcpHeader(reader.Frame[layout.TcpOffset..]);
        Assert.Equal(target, key.Server);
        Assert.Equal(80, key.ServerPort);
        Assert.Equal(TcpFlags.Syn, tcp.Flags);
    }

    private static FlowAddress Addr(string text)
    {
        Assert.True(FlowAddress.TryParse(text, out var a));
        return a;
    }

    private readonly struct EngineHandler(SessionEngine<PcapDumpSender> engine, LinkType linkType, long now) : IFrameHandler
    {
        public void OnFrame(ReadOnlySpan<byte> frame, long captureUs) => engine.OnCapturedFrame(linkType, frame, now, captureUs);
    }
}
