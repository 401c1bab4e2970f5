using System.Buffers;
using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using TcpShadow.DataPlane.Packets;

namespace TcpShadow.Intercept.Protocol;

/// <summary>
/// Scans intercept-channel frames out of a receive buffer. Never throws on short or garbage input: a short buffer
/// is <see cref="OperationStatus.NeedMoreData"/>, anything that cannot be a valid frame is
/// <see cref="OperationStatus.InvalidData"/> with a <see cref="FrameReadError"/>.
/// </summary>
public static class FrameReader
{
    /// <inheritdoc cref="TryRead(ref ReadOnlySequence{byte}, int, out Frame, out FrameReadError)"/>
    public static OperationStatus TryRead(ref ReadOnlySequence<byte> buffer, int maxBody, out Frame frame) =>
        TryRead(ref buffer, maxBody, out frame, out _);

    /// <summary>
    /// Reads one frame from the start of <paramref name="buffer"/>. On <see cref="OperationStatus.Done"/> the buffer
    /// is advanced past the frame and <paramref name="frame"/>'s body is a slice of the original buffer.
    /// </summary>
    public static OperationStatus TryRead(ref ReadOnlySequence<byte> buffer, int maxBody, out Frame frame, out FrameReadError error)
    {
        frame = default;
        error = FrameReadError.None;
        Span<byte> header = stackalloc byte[ProtocolConstants.HeaderSize];
        var available = buffer.Length;
        if (available < ProtocolConstants.HeaderSize)
        {
            return ScanPartialHeader(buffer, out error);
        }
        scoped ReadOnlySpan<byte> h;
        if (buffer.FirstSpan.Length >= ProtocolConstants.HeaderSize)
        {
            h = buffer.FirstSpan;
        }
        else
        {
            buffer.Slice(0, ProtocolConstants.HeaderSize).CopyTo(header);
            h = header;
        }
        if (BinaryPrimitives.ReadUInt16BigEndian(h) != ProtocolConstants.Magic)
        {
            error = FrameReadError.BadMagic;
            return OperationStatus.InvalidData;
        }
        var type = (FrameType)h[ProtocolConstants.TypeOffset];
        var flags = h[ProtocolConstants.FlagsOffset];
        var length = BinaryPrimitives.ReadUInt32BigEndian(h[ProtocolConstants.LengthOffset..]);
        // Unsigned compare: a length with the top bit set must not pass as a negative int.
        if (length > (uint)maxBody)
        {
            error = FrameReadError.BodyTooLarge;
            return OperationStatus.InvalidData;
        }
        error = CheckFixedLength(type, length);
        if (error != FrameReadError.None)
        {
            return OperationStatus.InvalidData;
        }
        if (available - ProtocolConstants.HeaderSize < length)
        {
            return OperationStatus.NeedMoreData;
        }
        var body = buffer.Slice(ProtocolConstants.HeaderSize, length);
        error = CheckBody(type, body);
        if (error != FrameReadError.None)
        {
            return OperationStatus.InvalidData;
        }
        frame = new Frame(type, flags, body);
        buffer = buffer.Slice(body.End);
        return OperationStatus.Done;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static OperationStatus ScanPartialHeader(in ReadOnlySequence<byte> buffer, out FrameReadError error)
    {
        // Reject a wrong magic as soon as its bytes arrive, so a garbage stream fails on its first bytes.
        Span<byte> prefix = stackalloc byte[2];
        var n = (int)Math.Min(2, buffer.Length);
        buffer.Slice(0, n).CopyTo(prefix);
        if ((n >= 1 && prefix[0] != (byte)(ProtocolConstants.Magic >> 8)) || (n == 2 && prefix[1] != (byte)(ProtocolConstants.Magic & 0xFF)))
        {
            error = FrameReadError.BadMagic;
            return OperationStatus.InvalidData;
        }
        error = FrameReadError.None;
        return OperationStatus.NeedMoreData;
    }

    private static FrameReadError CheckFixedLength(FrameType type, uint length) => type switch
    {
        FrameType.Hello => length == ProtocolConstants.HelloBodySize ? FrameReadError.None : FrameReadError.BadBodyLength,
        FrameType.HelloAck => length == ProtocolConstants.HelloAckBodySize ? FrameReadError.None : FrameReadError.BadBodyLength,
        FrameType.Heartbeat => length == ProtocolConstants.HeartbeatBodySize ? FrameReadError.None : FrameReadError.BadBodyLength,
        FrameType.Register or FrameType.Unregister or FrameType.Responses or FrameType.Error =>
            length >= ProtocolConstants.CountSize ? FrameReadError.None : FrameReadError.BadBodyLength,
        _ => FrameReadError.UnknownType,
    };

    private static FrameReadError CheckBody(FrameType type, in ReadOnlySequence<byte> body)
    {
        switch (type)
        {
            case FrameType.Register or FrameType.Unregister:
                {
                    var count = ReadCount(body);
                    return ProtocolConstants.CountSize + (long)count * FlowKey.WireSize == body.Length
                        ? FrameReadError.None
                        : FrameReadError.BadRecordCount;
                }
            case FrameType.Responses:
                return CheckResponses(body);
            default:
                return FrameReadError.None;
        }
    }

    private static ushort ReadCount(in ReadOnlySequence<byte> body)
    {
        if (body.FirstSpan.Length >= 2)
        {
            return BinaryPrimitives.ReadUInt16BigEndian(body.FirstSpan);
        }
        Span<byte> two = stackalloc byte[2];
        body.Slice(0, 2).CopyTo(two);
        return BinaryPrimitives.ReadUInt16BigEndian(two);
    }

    private static FrameReadError CheckResponses(in ReadOnlySequence<byte> body)
    {
        var reader = new SequenceReader<byte>(body);
        reader.TryReadBigEndian(out short rawCount);
        var count = (ushort)rawCount;
        for (var i = 0; i < count; i++)
        {
            if (reader.Remaining < ProtocolConstants.ResponseRecordHeaderSize)
            {
                return FrameReadError.BadRecordCount;
            }
            reader.Advance(8);
            reader.TryReadBigEndian(out short rawLength);
            var length = (ushort)rawLength;
            if (reader.Remaining < length)
            {
                return FrameReadError.BadRecordLength;
            }
            reader.Advance(length);
        }
        return reader.Remaining == 0 ? FrameReadError.None : FrameReadError.BadRecordCount;
    }
}
