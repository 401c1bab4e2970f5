using System.Buffers;
using System.Buffers.Binary;
using TcpShadow.DataPlane.Packets;
using TcpShadow.Intercept.Protocol;

namespace TcpShadow.Tests.Intercept.Protocol;

public class FrameCodecTests
{
    private static readonly FlowKey s_keyA = new(FlowAddress.FromV4(0xC6120001), 40000, FlowAddress.FromV4(0xC6120102), 80);
    private static readonly FlowKey s_keyB = new(FlowAddress.FromV4(0xC6120003), 40001, FlowAddress.FromV4(0xC6120102), 8080);

    public static TheoryData<string> FrameKinds => new() { "hello", "helloack", "register", "unregister", "responses", "heartbeat", "error" };

    internal static byte[] Encode(string kind)
    {
        var output = new ArrayBufferWriter<byte>();
        var writer = new FrameWriter(output);
        switch (kind)
        {
            case "hello":
                writer.WriteHello(1, 3, 0x0102030405060708);
                break;
            case "helloack":
                writer.WriteHelloAck(1, 1 << 20);
                break;
            case "register":
                writer.AppendKey(FrameType.Register, s_keyA);
                writer.AppendKey(FrameType.Register, s_keyB);
                break;
            case "unregister":
                writer.AppendKey(FrameType.Unregister, s_keyB);
                break;
            case "responses":
                Assert.True(writer.TryAppendResponse(123456789, [0x45, 1, 2, 3]));
                Assert.True(writer.TryAppendResponse(-1, []));
                Assert.True(writer.TryAppendResponse(42, [9, 8]));
                break;
            case "heartbeat":
                writer.WriteHeartbeat(987654321);
                break;
            case "error":
                writer.WriteError(ErrorCode.UnsupportedVersion, "version 9 is not supported");
                break;
        }
        writer.EndBatch();
        return output.WrittenSpan.ToArray();
    }

    [Theory]
    [MemberData(nameof(FrameKinds))]
    public void TryRead_EncodedFrame_RoundTrips(string kind)
    {
        var bytes = Encode(kind);
        var buffer = new ReadOnlySequence<byte>(bytes);
        Assert.Equal(OperationStatus.Done, FrameReader.TryRead(ref buffer, ProtocolConstants.DefaultMaxBody, out var frame));
        Assert.Equal(0, buffer.Length);
        var body = frame.GetBodySpan(new byte[ProtocolConstants.DefaultMaxBody]);
        switch (kind)
        {
            case "hello":
                Assert.Equal(FrameType.Hello, frame.Type);
                Assert.Equal(new HelloBody(1, 3, 0x0102030405060708), FrameBodies.ReadHello(body));
                break;
            case "helloack":
                Assert.Equal(new HelloAckBody(1, 1 << 20), FrameBodies.ReadHelloAck(body));
                break;
            case "register":
                {
                    Assert.Equal(FrameType.Register, frame.Type);
                    var reader = new KeyBatchReader(body);
                    Assert.Equal(2, reader.Count);
                    Assert.True(reader.TryNext(out var a));
                    Assert.True(reader.TryNext(out var b));
                    Assert.False(reader.TryNext(out _));
                    Assert.Equal(s_keyA, a);
                    Assert.Equal(s_keyB, b);
                    break;
                }
            case "unregister":
                {
                    Assert.Equal(FrameType.Unregister, frame.Type);
                    var reader = new KeyBatchReader(body);
                    Assert.True(reader.TryNext(out var b));
                    Assert.Equal(s_keyB, b);
                    break;
                }
            case "responses":
                {
                    var reader = new ResponseBatchReader(body);
                    Assert.Equal(3, reader.Count);
                    Assert.True(reader.TryNext(out var ts, out var packet));
                    Assert.Equal(123456789, ts);
                    Assert.Equal(new byte[] { 0x45, 1, 2, 3 }, packet.ToArray());
                    Assert.True(reader.TryNext(out ts, out packet));
                    Assert.Equal(-1, ts);
                    Assert.Equal(0, packet.Length);
                    Assert.True(reader.TryNext(out ts, out packet));
                    Assert.Equal(42, ts);
                    Assert.Equal(new byte[] { 9, 8 }, packet.ToArray());
                    Assert.False(reader.TryNext(out _, out _));
                    break;
                }
            case "heartbeat":
                Assert.Equal(987654321, FrameBodies.ReadHeartbeat(body));
                break;
            case "error":
                Assert.Equal(ErrorCode.UnsupportedVersion, FrameBodies.ReadError(body, out var message));
                Assert.Equal("version 9 is not supported", message);
                break;
        }
    }

    [Theory]
    [MemberData(nameof(FrameKinds))]
    public void TryRead_EveryTruncationPrefix_NeedsMoreData(string kind)
    {
        var bytes = Encode(kind);
        for (var length = 0; length < bytes.Length; length++)
        {
            var buffer = new ReadOnlySequence<byte>(bytes, 0, length);
            Assert.Equal(OperationStatus.NeedMoreData, FrameReader.TryRead(ref buffer, ProtocolConstants.DefaultMaxBody, out _));
            Assert.Equal(length, buffer.Length);
        }
    }

    [Theory]
    [MemberData(nameof(FrameKinds))]
    public void TryRead_FrameSplitAcrossSegments_RoundTrips(string kind)
    {
        var bytes = Encode(kind);
        for (var split = 1; split < bytes.Length; split++)
        {
            var buffer = Segments(bytes, split);
            Assert.Equal(OperationStatus.Done, FrameReader.TryRead(ref buffer, ProtocolConstants.DefaultMaxBody, out var frame));
            Assert.Equal(bytes.Length - ProtocolConstants.HeaderSize, frame.BodyLength);
            Assert.Equal(bytes.AsSpan(ProtocolConstants.HeaderSize).ToArray(), frame.GetBodySpan(new byte[bytes.Length]).ToArray());
        }
    }

    [Fact]
    public void TryRead_TwoFramesBackToBack_ReadsBoth()
    {
        var bytes = Encode("heartbeat").Concat(Encode("register")).ToArray();
        var buffer = new ReadOnlySequence<byte>(bytes);
        Assert.Equal(OperationStatus.Done, FrameReader.TryRead(ref buffer, 1024, out var first));
        Assert.Equal(OperationStatus.Done, FrameReader.TryRead(ref buffer, 1024, out var second));
        Assert.Equal(FrameType.Heartbeat, first.Type);
        Assert.Equal(FrameType.Register, second.Type);
        Assert.Equal(OperationStatus.NeedMoreData, FrameReader.TryRead(ref buffer, 1024, out _));
    }

    [Theory]
    [InlineData(new byte[] { 0x00 }, FrameReadError.BadMagic)]
    [InlineData(new byte[] { 0x54, 0x00 }, FrameReadError.BadMagic)]
    [InlineData(new byte[] { 0x47, 0x45, 0x54, 0x20, 0x2F, 0x20, 0x48, 0x54 }, FrameReadError.BadMagic)]
    [InlineData(new byte[] { 0x54, 0x53, 0x63, 0, 0, 0, 0, 0 }, FrameReadError.UnknownType)]
    [InlineData(new byte[] { 0x54, 0x53, 0x00, 0, 0, 0, 0, 0 }, FrameReadError.UnknownType)]
    [InlineData(new byte[] { 0x54, 0x53, 0x05, 0, 0x00, 0x10, 0x00, 0x01 }, FrameReadError.BodyTooLarge)]
    [InlineData(new byte[] { 0x54, 0x53, 0x05, 0, 0xFF, 0xFF, 0xFF, 0xFF }, FrameReadError.BodyTooLarge)]
    [InlineData(new byte[] { 0x54, 0x53, 0x01, 0, 0, 0, 0, 11 }, FrameReadError.BadBodyLength)]
    [InlineData(new byte[] { 0x54, 0x53, 0x06, 0, 0, 0, 0, 9 }, FrameReadError.BadBodyLength)]
    [InlineData(new byte[] { 0x54, 0x53, 0x03, 0, 0, 0, 0, 1, 0 }, FrameReadError.BadBodyLength)]
    [InlineData(new byte[] { 0x54, 0x53, 0x03, 0, 0, 0, 0, 2, 0, 1 }, FrameReadError.BadRecordCount)]
    [InlineData(new byte[] { 0x54, 0x53, 0x05, 0, 0, 0, 0, 2, 0, 1 }, FrameReadError.BadRecordCount)]
    [InlineData(new byte[] { 0x54, 0x53, 0x05, 0, 0, 0, 0, 12, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 5 }, FrameReadError.BadRecordLength)]
    [InlineData(new byte[] { 0x54, 0x53, 0x05, 0, 0, 0, 0, 13, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 7 }, FrameReadError.BadRecordCount)]
    public void TryRead_Garbage_InvalidData(byte[] bytes, FrameReadError expected)
    {
        var buffer = new ReadOnlySequence<byte>(bytes);
        Assert.Equal(OperationStatus.InvalidData, FrameReader.TryRead(ref buffer, ProtocolConstants.DefaultMaxBody, out _, out var error));
        Assert.Equal(expected, error);
    }

    [Fact]
    public void TryRead_RegisterCountDisagreesWithLength_InvalidData()
    {
        var bytes = Encode("register");
        BinaryPrimitives.WriteUInt16BigEndian(bytes.AsSpan(ProtocolConstants.HeaderSize), 3);
        var buffer = new ReadOnlySequence<byte>(bytes);
        Assert.Equal(OperationStatus.InvalidData, FrameReader.TryRead(ref buffer, ProtocolConstants.DefaultMaxBody, out _, out var error));
        Assert.Equal(FrameReadError.BadRecordCount, error);
    }

    [Fact]
    public void TryRead_BodyLargerThanCallerLimit_InvalidData()
    {
        var bytes = Encode("responses");
        var buffer = new ReadOnlySequence<byte>(bytes);
        Assert.Equal(OperationStatus.InvalidData, FrameReader.TryRead(ref buffer, 8, out _, out var error));
        Assert.Equal(FrameReadError.BodyTooLarge, error);
    }

    [Fact]
    public void AppendKey_MoreThanOneFrameHolds_RollsIntoSeveralFrames()
    {
        var output = new ArrayBufferWriter<byte>();
        var writer = new FrameWriter(output);
        const int Keys = 5000;
        for (var i = 0; i < Keys; i++)
        {
            writer.AppendKey(FrameType.Register, new FlowKey(FlowAddress.FromV4((uint)i), (ushort)i, FlowAddress.FromV4(1), 80));
        }
        writer.EndBatch();
        Assert.True(writer.FramesWritten > 1);
        var buffer = new ReadOnlySequence<byte>(output.WrittenMemory);
        var seen = 0;
        while (FrameReader.TryRead(ref buffer, ProtocolConstants.DefaultMaxBody, out var frame) == OperationStatus.Done)
        {
            Assert.True(frame.BodyLength <= 65547);
            var reader = new KeyBatchReader(frame.Body.FirstSpan);
            while (reader.TryNext(out var key))
            {
                Assert.Equal((ushort)seen, key.ClientPort);
                seen++;
            }
        }
        Assert.Equal(Keys, seen);
        Assert.Equal(0, buffer.Length);
    }

    [Fact]
    public void AppendKey_TypeChanges_ClosesThePreviousBatch()
    {
        var output = new ArrayBufferWriter<byte>();
        var writer = new FrameWriter(output);
        writer.AppendKey(FrameType.Register, s_keyA);
        writer.AppendKey(FrameType.Unregister, s_keyA);
        writer.WriteHeartbeat(1);
        Assert.Equal(3, writer.FramesWritten);
        var buffer = new ReadOnlySequence<byte>(output.WrittenMemory);
        Assert.Equal(OperationStatus.Done, FrameReader.TryRead(ref buffer, 1024, out var a));
        Assert.Equal(OperationStatus.Done, FrameReader.TryRead(ref buffer, 1024, out var b));
        Assert.Equal(OperationStatus.Done, FrameReader.TryRead(ref buffer, 1024, out var c));
        Assert.Equal((FrameType.Register, FrameType.Unregister, FrameType.Heartbeat), (a.Type, b.Type, c.Type));
    }

    private static ReadOnlySequence<byte> Segments(byte[] bytes, int split)
    {
        var first = new Segment(bytes.AsMemory(0, split));
        var last = first.Append(bytes.AsMemory(split));
        return new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length);
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory) => Memory = memory;

        public Segment Append(ReadOnlyMemory<byte> memory)
        {
            var next = new Segment(memory) { RunningIndex = RunningIndex + Memory.Length };
            Next = next;
            return next;
        }
    }
}
