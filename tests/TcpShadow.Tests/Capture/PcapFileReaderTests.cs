using TcpShadow.DataPlane.Capture;
using TcpShadow.DataPlane.Packets;
using TcpShadow.Tests.Support;

namespace TcpShadow.Tests.Capture;

public class PcapFileReaderTests
{
    public static TheoryData<string> Fixtures()
    {
        var data = new TheoryData<string>();
        foreach (var name in Captures.Names)
        {
            data.Add(name);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Fixtures))]
    public void ReadNext_FixturePcap_YieldsEveryFrameOfTheTestReader(string name)
    {
        var expected = Captures.Get(name);
        using var reader = PcapFileReader.Open(Path.Combine(Captures.Directory, name));

        var frames = ReadAll(reader, out var status);

        Assert.Equal(PcapReadStatus.End, status);
        Assert.Equal(expected.LinkType, reader.FileLinkType);
        Assert.Equal(expected.Frames.Count, frames.Count);
        for (var i = 0; i < frames.Count; i++)
        {
            Assert.Equal(expected.Frames[i], frames[i].Data);
            Assert.Equal(expected.LinkType, frames[i].LinkType);
        }
    }

    [Theory]
    [InlineData(false, false)]
    [InlineData(false, true)]
    [InlineData(true, false)]
    [InlineData(true, true)]
    public void ReadNext_GeneratedPcap_ReadsBothByteOrdersAndResolutions(bool bigEndian, bool nanos)
    {
        var bytes = CaptureFileWriter.Pcap(LinkType.Raw, nanos, bigEndian)
            .PcapRecord(10, nanos ? 500_000_000 : 500_000, Frame(1, 40))
            .PcapRecord(11, nanos ? 7_000 : 7, Frame(2, 61))
            .ToArray();

        var frames = ReadAll(bytes, out var status, out var linkType);

        Assert.Equal(PcapReadStatus.End, status);
        Assert.Equal(LinkType.Raw, linkType);
        Assert.Equal([10_500_000L, 11_000_007L], frames.Select(f => f.TimestampUs));
        Assert.Equal(Frame(1, 40), frames[0].Data);
        Assert.Equal(Frame(2, 61), frames[1].Data);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void ReadNext_GeneratedPcapng_HonoursPerInterfaceLinkTypeAndResolution(bool bigEndian)
    {
        var bytes = CaptureFileWriter.PcapNg(bigEndian)
            .Interface(LinkType.Ethernet)
            .Interface(LinkType.LinuxSll2, tsresol: 9)
            .Other()
            .Enhanced(0, 1_000_000, Frame(1, 54))
            .Enhanced(1, 2_000_000_123_000, Frame(2, 73))
            .Simple(Frame(3, 41))
            .Interface(LinkType.Raw, tsresol: 0x80 | 10)
            .Enhanced(2, 3 * 1024 + 512, Frame(4, 20))
            .ToArray();

        var frames = ReadAll(bytes, out var status, out var linkType, out var mixed);

        Assert.Equal(PcapReadStatus.End, status);
        Assert.Equal(LinkType.Ethernet, linkType);
        Assert.True(mixed);
        Assert.Equal([LinkType.Ethernet, LinkType.LinuxSll2, LinkType.Ethernet, LinkType.Raw], frames.Select(f => f.LinkType));
        // The simple packet block has no timestamp and keeps the previous one; 2^-10 s units: 3.5 s.
        Assert.Equal([1_000_000L, 2_000_000_123L, 2_000_000_123L, 3_500_000L], frames.Select(f => f.TimestampUs));
        Assert.Equal(Frame(1, 54), frames[0].Data);
        Assert.Equal(Frame(2, 73), frames[1].Data);
        Assert.Equal(Frame(3, 41), frames[2].Data);
        Assert.Equal(Frame(4, 20), frames[3].Data);
    }

    [Fact]
    public void ReadNext_SecondPcapngSection_ResetsInterfacesAndByteOrder()
    {
        var first = CaptureFileWriter.PcapNg().Interface(LinkType.Raw).Enhanced(0, 5, Frame(1, 20)).ToArray();
        var second = CaptureFileWriter.PcapNg(bigEndian: true).Interface(LinkType.Ethernet).Enhanced(0, 6, Frame(2, 60)).ToArray();

        var frames = ReadAll([.. first, .. second], out var status, out _);

        Assert.Equal(PcapReadStatus.End, status);
        Assert.Equal([LinkType.Raw, LinkType.Ethernet], frames.Select(f => f.LinkType));
        Assert.Equal(Frame(2, 60), frames[1].Data);
    }

    [Fact]
    public void Rewind_AfterEnd_ReadsTheSameRecordsAgain()
    {
        using var file = TempFile.With(CaptureFileWriter.PcapNg().Interface(LinkType.Raw).Enhanced(0, 5, Frame(1, 20)).Enhanced(0, 9, Frame(2, 20)).ToArray());
        using var reader = PcapFileReader.Open(file.Path);
        var once = ReadAll(reader, out _);

        reader.Rewind();
        var twice = ReadAll(reader, out var status);

        Assert.Equal(PcapReadStatus.End, status);
        Assert.Equal(once.Select(f => f.TimestampUs), twice.Select(f => f.TimestampUs));
    }

    [Fact]
    public void Open_NotACapture_ThrowsNamingTheFileAndOffset()
    {
        using var file = TempFile.With("GET / HTTP/1.1\r\n\r\n"u8.ToArray());

        var e = Assert.Throws<InvalidDataException>(() => PcapFileReader.Open(file.Path));

        Assert.Contains(file.Path, e.Message, StringComparison.Ordinal);
        Assert.Contains("byte offset 0", e.Message, StringComparison.Ordinal);
    }

    /// <summary>Every prefix of a three-record pcap: a clean end at record boundaries, else the bad record's offset.</summary>
    public static TheoryData<int> PcapPrefixes() => Prefixes(SmallPcap());

    [Theory]
    [MemberData(nameof(PcapPrefixes))]
    public void ReadNext_TruncatedPcap_ReportsOffsetAndYieldsRecordsBefore(int length)
    {
        var whole = SmallPcap();
        int[] recordStarts = [24, 24 + 16 + 40, 24 + 16 + 40 + 16 + 52, whole.Length];
        AssertTruncation(whole, length, recordStarts, headerEnd: 24);
    }

    public static TheoryData<int> PcapNgPrefixes() => Prefixes(SmallPcapNg(out _));

    [Theory]
    [MemberData(nameof(PcapNgPrefixes))]
    public void ReadNext_TruncatedPcapng_ReportsOffsetAndYieldsRecordsBefore(int length)
    {
        var whole = SmallPcapNg(out var recordStarts);
        // Open reads up to the first packet block's 8-byte type and length, so a cut inside those fails at open.
        var headerEnd = length == recordStarts[0] ? length : recordStarts[0] + 8;
        AssertTruncation(whole, length, recordStarts, headerEnd);
    }

    private static void AssertTruncation(byte[] whole, int length, int[] recordStarts, int headerEnd)
    {
        using var file = TempFile.With(whole[..length]);
        if (length < headerEnd)
        {
            var e = Assert.Throws<InvalidDataException>(() => PcapFileReader.Open(file.Path));
            Assert.Contains(file.Path, e.Message, StringComparison.Ordinal);
            Assert.Contains("byte offset", e.Message, StringComparison.Ordinal);
            return;
        }
        using var reader = PcapFileReader.Open(file.Path);

        var frames = ReadAll(reader, out var status);

        var complete = recordStarts.Count(s => s <= length) - 1;
        Assert.Equal(complete, frames.Count);
        if (Array.IndexOf(recordStarts, length) >= 0)
        {
            Assert.Equal(PcapReadStatus.End, status);
            Assert.Null(reader.Error);
        }
        else
        {
            Assert.Equal(PcapReadStatus.Corrupt, status);
            Assert.Equal(recordStarts[complete], reader.RecordOffset);
            Assert.Contains(file.Path, reader.Error, StringComparison.Ordinal);
            Assert.Contains($"byte offset {recordStarts[complete]}", reader.Error, StringComparison.Ordinal);
        }
    }

    private static byte[] SmallPcap() => CaptureFileWriter.Pcap(LinkType.Raw)
        .PcapRecord(1, 0, Frame(1, 40))
        .PcapRecord(1, 10, Frame(2, 52))
        .PcapRecord(2, 0, Frame(3, 41))
        .ToArray();

    private static byte[] SmallPcapNg(out int[] recordStarts)
    {
        var head = CaptureFileWriter.PcapNg().Interface(LinkType.Raw).ToArray();
        var one = CaptureFileWriter.PcapNg().Interface(LinkType.Raw).Enhanced(0, 1, Frame(1, 41)).ToArray();
        var two = CaptureFileWriter.PcapNg().Interface(LinkType.Raw).Enhanced(0, 1, Frame(1, 41)).Simple(Frame(2, 40)).ToArray();
        recordStarts = [head.Length, one.Length, two.Length];
        return two;
    }

    private static TheoryData<int> Prefixes(byte[] whole)
    {
        var data = new TheoryData<int>();
        for (var i = 0; i < whole.Length; i++)
        {
            data.Add(i);
        }
        return data;
    }

    internal static byte[] Frame(byte tag, int length)
    {
        var frame = new byte[length];
        for (var i = 0; i < length; i++)
        {
            frame[i] = (byte)(tag + i);
        }
        return frame;
    }

    private static List<(byte[] Data, LinkType LinkType, long TimestampUs)> ReadAll(byte[] bytes, out PcapReadStatus status, out LinkType linkType) =>
        ReadAll(bytes, out status, out linkType, out _);

    private static List<(byte[] Data, LinkType LinkType, long TimestampUs)> ReadAll(byte[] bytes, out PcapReadStatus status, out LinkType linkType, out bool mixed)
    {
        using var file = TempFile.With(bytes);
        using var reader = PcapFileReader.Open(file.Path);
        linkType = reader.FileLinkType;
        mixed = reader.MixedLinkTypes;
        return ReadAll(reader, out status);
    }

    private static List<(byte[] Data, LinkType LinkType, long TimestampUs)> ReadAll(PcapFileReader reader, out PcapReadStatus status)
    {
        var frames = new List<(byte[], LinkType, long)>();
        // Bounded: the test files hold a handful of records.
        for (var i = 0; i < 100_000; i++)
        {
            status = reader.ReadNext();
            if (status != PcapReadStatus.Record)
            {
                return frames;
            }
            frames.Add((reader.Frame.ToArray(), reader.LinkType, reader.TimestampUs));
        }
        throw new InvalidOperationException("runaway read");
    }
}
