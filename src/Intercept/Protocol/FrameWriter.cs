using System.Buffers;
using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Text;
using TcpShadow.DataPlane.Packets;

namespace TcpShadow.Intercept.Protocol;

/// <summary>
/// Writes intercept-channel frames into an <see cref="IBufferWriter{T}"/>. Register, Unregister and Responses
/// records are batched: consecutive appends of one type share a frame until it reaches the batch limit or 65535
/// records, or <see cref="EndBatch"/> (or any other write) closes it. Not thread-safe: one writer per sending thread.
/// </summary>
/// <remarks>
/// An open batch holds memory from <see cref="IBufferWriter{T}.GetMemory"/> and advances the output once, when the
/// batch closes; the caller must call <see cref="EndBatch"/> before it sends what the output holds.
/// </remarks>
public sealed class FrameWriter
{
    private const int MinBatchBody = ProtocolConstants.CountSize + ProtocolConstants.ResponseRecordHeaderSize + ushort.MaxValue;

    private readonly IBufferWriter<byte> _output;
    private readonly int _batchBodyLimit;
    private Memory<byte> _batch;
    private FrameType _batchType;
    private int _batchLength;
    private int _batchCount;

    /// <param name="output">Where frames go.</param>
    /// <param name="batchBodyLimit">Largest body a batch grows to; at most the peer's max body. Defaults to 64 KiB plus one record.</param>
    public FrameWriter(IBufferWriter<byte> output, int batchBodyLimit = MinBatchBody)
    {
        ArgumentNullException.ThrowIfNull(output);
        if (batchBodyLimit < MinBatchBody)
        {
            throw new ArgumentOutOfRangeException(nameof(batchBodyLimit), batchBodyLimit, $"A batch body limit must hold the largest record ({MinBatchBody} bytes).");
        }
        _output = output;
        _batchBodyLimit = batchBodyLimit;
    }

    public long FramesWritten { get; private set; }

    public long RecordsWritten { get; private set; }

    /// <summary>Records in the batch not yet closed.</summary>
    public int OpenRecords => _batchCount;

    public void WriteHello(ushort minVersion, ushort maxVersion, ulong instanceId)
    {
        var body = BeginSingle(FrameType.Hello, ProtocolConstants.HelloBodySize);
        BinaryPrimitives.WriteUInt16BigEndian(body, minVersion);
        BinaryPrimitives.WriteUInt16BigEndian(body[2..], maxVersion);
        BinaryPrimitives.WriteUInt64BigEndian(body[4..], instanceId);
        EndSingle(ProtocolConstants.HelloBodySize);
    }

    public void WriteHelloAck(ushort version, uint maxBody)
    {
        var body = BeginSingle(FrameType.HelloAck, ProtocolConstants.HelloAckBodySize);
        BinaryPrimitives.WriteUInt16BigEndian(body, version);
        BinaryPrimitives.WriteUInt16BigEndian(body[2..], 0);
        BinaryPrimitives.WriteUInt32BigEndian(body[4..], maxBody);
        EndSingle(ProtocolConstants.HelloAckBodySize);
    }

    public void WriteHeartbeat(long senderTimeNs)
    {
        var body = BeginSingle(FrameType.Heartbeat, ProtocolConstants.HeartbeatBodySize);
        BinaryPrimitives.WriteInt64BigEndian(body, senderTimeNs);
        EndSingle(ProtocolConstants.HeartbeatBodySize);
    }

    /// <summary>Control path only. Text beyond 4 KiB of UTF-8 is cut.</summary>
    public void WriteError(ErrorCode code, string message)
    {
        var bytes = Encoding.UTF8.GetBytes(message);
        var textLength = Math.Min(bytes.Length, 4096);
        var length = ProtocolConstants.CountSize + textLength;
        var body = BeginSingle(FrameType.Error, length);
        BinaryPrimitives.WriteUInt16BigEndian(body, (ushort)code);
        bytes.AsSpan(0, textLength).CopyTo(body[ProtocolConstants.CountSize..]);
        EndSingle(length);
    }

    /// <summary>Appends one record to the open Responses batch (opening or rolling it as needed).</summary>
    /// <returns>False when the record is longer than 65535 bytes and cannot be framed.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool TryAppendResponse(long timestampNs, ReadOnlySpan<byte> ipPacketPrefix)
    {
        if ((uint)ipPacketPrefix.Length > ushort.MaxValue)
        {
            return false;
        }
        var span = Reserve(FrameType.Responses, ProtocolConstants.ResponseRecordHeaderSize + ipPacketPrefix.Length);
        BinaryPrimitives.WriteInt64BigEndian(span, timestampNs);
        BinaryPrimitives.WriteUInt16BigEndian(span[8..], (ushort)ipPacketPrefix.Length);
        ipPacketPrefix.CopyTo(span[ProtocolConstants.ResponseRecordHeaderSize..]);
        return true;
    }

    /// <summary>Appends one key to the open Register or Unregister batch (opening or rolling it as needed).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void AppendKey(FrameType type, in FlowKey key)
    {
        if (type is not (FrameType.Register or FrameType.Unregister))
        {
            ThrowNotKeyType(type);
        }
        key.Write(Reserve(type, FlowKey.WireSize));
    }

    /// <summary>Closes the open batch, if any: patches its header and count and advances the output.</summary>
    public void EndBatch()
    {
        if (_batchType == 0)
        {
            return;
        }
        var span = _batch.Span;
        WriteHeader(span, _batchType, _batchLength - ProtocolConstants.HeaderSize);
        BinaryPrimitives.WriteUInt16BigEndian(span[ProtocolConstants.HeaderSize..], (ushort)_batchCount);
        _output.Advance(_batchLength);
        FramesWritten++;
        _batch = default;
        _batchType = 0;
        _batchLength = 0;
        _batchCount = 0;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private Span<byte> Reserve(FrameType type, int recordLength)
    {
        if (_batchType != type
            || _batchLength - ProtocolConstants.HeaderSize + recordLength > _batchBodyLimit
            || _batchCount == ProtocolConstants.MaxRecordsPerFrame)
        {
            OpenBatch(type);
        }
        var span = _batch.Span.Slice(_batchLength, recordLength);
        _batchLength += recordLength;
        _batchCount++;
        RecordsWritten++;
        return span;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void OpenBatch(FrameType type)
    {
        EndBatch();
        _batch = _output.GetMemory(ProtocolConstants.HeaderSize + _batchBodyLimit);
        _batchType = type;
        _batchLength = ProtocolConstants.HeaderSize + ProtocolConstants.CountSize;
    }

    private Span<byte> BeginSingle(FrameType type, int bodyLength)
    {
        EndBatch();
        var span = _output.GetSpan(ProtocolConstants.HeaderSize + bodyLength);
        WriteHeader(span, type, bodyLength);
        return span.Slice(ProtocolConstants.HeaderSize, bodyLength);
    }

    private void EndSingle(int bodyLength)
    {
        _output.Advance(ProtocolConstants.HeaderSize + bodyLength);
        FramesWritten++;
    }

    private static void WriteHeader(Span<byte> span, FrameType type, int bodyLength)
    {
        BinaryPrimitives.WriteUInt16BigEndian(span, ProtocolConstants.Magic);
        span[ProtocolConstants.TypeOffset] = (byte)type;
        span[ProtocolConstants.FlagsOffset] = 0;
        BinaryPrimitives.WriteUInt32BigEndian(span[ProtocolConstants.LengthOffset..], (uint)bodyLength);
    }

    [System.Diagnostics.CodeAnalysis.DoesNotReturn]
    private static void ThrowNotKeyType(FrameType type) =>
        throw new ArgumentOutOfRangeException(nameof(type), type, "Keys go only into Register or Unregister frames.");
}
