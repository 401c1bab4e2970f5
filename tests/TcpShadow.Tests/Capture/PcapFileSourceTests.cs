using TcpShadow.DataPlane.Capture;
using TcpShadow.DataPlane.Packets;
using TcpShadow.Tests.Support;
using static TcpShadow.Tests.Capture.PcapFileReaderTests;

namespace TcpShadow.Tests.Capture;

public class PcapFileSourceTests
{
    private long _now = 5_000_000;

    [Fact]
    public void Drain_SpeedFactor4_YieldsEachFrameAtItsScaledTime()
    {
        // Frames at 0 s, 1 s and 3 s of capture time: due at +0, +250 ms and +750 ms at -a 4.
        using var file = TempFile.With(CaptureFileWriter.Pcap(LinkType.Raw)
            .PcapRecord(100, 0, Frame(1, 40)).PcapRecord(101, 0, Frame(2, 40)).PcapRecord(103, 0, Frame(3, 40)).ToArray());
        using var source = Open(file.Path, new PcapReplayOptions { Speed = 4 });
        var handler = new Collector();

        Assert.Equal(1, source.Drain(ref handler, 64));
        Assert.Equal(_now + 250_000, source.NextDueUs);
        _now += 249_999;
        Assert.Equal(0, source.Drain(ref handler, 64));
        _now += 1;
        Assert.Equal(1, source.Drain(ref handler, 64));
        Assert.Equal(5_750_000, source.NextDueUs);
        _now = 5_750_000;
        Assert.Equal(1, source.Drain(ref handler, 64));

        Assert.Equal([5_000_000L, 5_250_000L, 5_750_000L], handler.CaptureUs);
        Assert.True(source.Finished);
        Assert.Equal(long.MaxValue, source.NextDueUs);
        Assert.Equal(3, source.FramesReplayed);
    }

    [Fact]
    public void Drain_IdleGap_CutsLongPausesOnly()
    {
        // Gaps of 0.5 s and 60 s with -I 2: the long one becomes 2 s, the short one stays.
        using var file = TempFile.With(CaptureFileWriter.Pcap(LinkType.Raw)
            .PcapRecord(100, 0, Frame(1, 40)).PcapRecord(100, 500_000, Frame(2, 40)).PcapRecord(160, 500_000, Frame(3, 40)).ToArray());
        using var source = Open(file.Path, new PcapReplayOptions { IdleGap = TimeSpan.FromSeconds(2) });
        var handler = new Collector();

        DrainUntilFinished(source, ref handler);

        Assert.Equal([5_000_000L, 5_500_000L, 7_500_000L], handler.CaptureUs);
    }

    [Fact]
    public void Drain_ThreeLoops_ReplaysTheFileThreeTimesBackToBack()
    {
        using var file = TempFile.With(CaptureFileWriter.Pcap(LinkType.Raw).PcapRecord(100, 0, Frame(1, 40)).PcapRecord(100, 100, Frame(2, 40)).ToArray());
        using var source = Open(file.Path, new PcapReplayOptions { Loops = 3 });
        var handler = new Collector();

        DrainUntilFinished(source, ref handler);

        Assert.Equal([5_000_000L, 5_000_100L, 5_000_100L, 5_000_200L, 5_000_200L, 5_000_300L], handler.CaptureUs);
        Assert.Null(source.Error);
    }

    [Fact]
    public void Drain_CorruptRecord_ReplaysTheRecordsBeforeAndReportsTheOffset()
    {
        var bytes = CaptureFileWriter.Pcap(LinkType.Raw).PcapRecord(100, 0, Frame(1, 40)).PcapRecord(100, 100, Frame(2, 40)).ToArray();
        using var file = TempFile.With(bytes[..^10]);
        using var source = Open(file.Path, new PcapReplayOptions { Loops = 5 });
        var handler = new Collector();

        DrainUntilFinished(source, ref handler);

        Assert.Single(handler.CaptureUs);
        Assert.Contains($"byte offset {24 + 16 + 40}", source.Error, StringComparison.Ordinal);
        Assert.Contains(file.Path, source.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Drain_MixedLinkTypes_CutsEveryFrameToItsIpPacket()
    {
        var syn = SegmentFactory.Build(new FlowKey(EngineAddr("198.18.1.2"), 40000, EngineAddr("198.18.1.1"), 80), 1000, 0, TcpFlags.Syn);
        byte[] ethernet = [.. new byte[12], 0x08, 0x00, .. syn];
        using var file = TempFile.With(CaptureFileWriter.PcapNg().Interface(LinkType.Ethernet).Interface(LinkType.Raw)
            .Enhanced(0, 1, ethernet).Enhanced(1, 2, syn).ToArray());
        using var source = Open(file.Path, new PcapReplayOptions());
        var handler = new Collector();

        DrainUntilFinished(source, ref handler);

        Assert.Equal(LinkType.Raw, source.LinkType);
        Assert.Equal(2, handler.Frames.Count);
        Assert.All(handler.Frames, f => Assert.Equal(syn, f));
    }

    [Fact]
    public void Open_UnsupportedLinkType_ThrowsWithTheFix()
    {
        using var file = TempFile.With(CaptureFileWriter.Pcap((LinkType)105).PcapRecord(1, 0, Frame(1, 40)).ToArray());

        var e = Assert.Throws<ArgumentException>(() => PcapFileSource.Open(file.Path, new PcapReplayOptions()));

        Assert.Contains("link type 105", e.Message, StringComparison.Ordinal);
    }

    private static FlowAddress EngineAddr(string text)
    {
        Assert.True(FlowAddress.TryParse(text, out var a));
        return a;
    }

    private PcapFileSource Open(string path, PcapReplayOptions options) => PcapFileSource.Open(path, options, () => _now);

    private void DrainUntilFinished(PcapFileSource source, ref Collector handler)
    {
        // Bounded: jump the clock to each due time.
        for (var i = 0; i < 1000 && !source.Finished; i++)
        {
            source.Drain(ref handler, 64);
            if (source.NextDueUs != long.MaxValue)
            {
                _now = Math.Max(_now, source.NextDueUs);
            }
        }
        Assert.True(source.Finished);
    }

    private struct Collector : IFrameHandler
    {
        public Collector()
        {
        }

        public List<long> CaptureUs { get; } = new();

        public List<byte[]> Frames { get; } = new();

        public readonly void OnFrame(ReadOnlySpan<byte> frame, long captureUs)
        {
            CaptureUs.Add(captureUs);
            Frames.Add(frame.ToArray());
        }
    }
}
