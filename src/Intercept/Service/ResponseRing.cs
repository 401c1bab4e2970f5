using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using TcpShadow.DataPlane.Sharding;

namespace TcpShadow.Intercept.Service;

/// <summary>
/// A bounded single-producer, single-consumer byte ring of response records ([u16 length][i64 timestamp][bytes]),
/// each stored contiguously (a record that would straddle the end starts again at offset 0).
/// </summary>
/// <remarks>
/// Liveness contract: the producer (the capture thread) never blocks and never allocates: <see cref="TryWrite"/>
/// returns false when the ring lacks room and the caller counts a drop, so a slow replicator only loses its own
/// responses. The consumer (the peer's sender) sees a record once the producer's <c>Volatile.Write</c> of the tail
/// completes, and frees its space with the <c>Volatile.Write</c> of the head in <see cref="Advance"/>.
/// </remarks>
internal sealed class ResponseRing
{
    private const int RecordHeader = 10;
    private const ushort WrapMarker = ushort.MaxValue;

    private readonly byte[] _buffer;
    private readonly int _mask;
    private Indices _indices;
    private int _peekedSize;

    public ResponseRing(int capacityPowerOfTwo)
    {
        if (capacityPowerOfTwo < 1024 || (capacityPowerOfTwo & (capacityPowerOfTwo - 1)) != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(capacityPowerOfTwo), capacityPowerOfTwo, "The response ring must be a power of two of at least 1024 bytes.");
        }
        _buffer = GC.AllocateArray<byte>(capacityPowerOfTwo, pinned: true);
        _mask = capacityPowerOfTwo - 1;
    }

    public bool IsEmpty => Volatile.Read(ref _indices.Tail) == _indices.Head;

    /// <summary>Producer only.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool TryWrite(long timestampNs, ReadOnlySpan<byte> record)
    {
        var size = RecordHeader + record.Length;
        var tail = _indices.Tail;
        var offset = (int)(tail & _mask);
        var toEnd = _buffer.Length - offset;
        var skip = toEnd < size ? toEnd : 0;
        if (record.Length >= WrapMarker || tail + skip + size - Volatile.Read(ref _indices.Head) > _buffer.Length)
        {
            return false;
        }
        if (skip != 0)
        {
            // Too little room before the end: mark the rest as skipped (a tail shorter than a header is implicit).
            if (toEnd >= RecordHeader)
            {
                BinaryPrimitives.WriteUInt16LittleEndian(_buffer.AsSpan(offset), WrapMarker);
            }
            offset = 0;
        }
        var span = _buffer.AsSpan(offset, size);
        BinaryPrimitives.WriteUInt16LittleEndian(span, (ushort)record.Length);
        BinaryPrimitives.WriteInt64LittleEndian(span[2..], timestampNs);
        record.CopyTo(span[RecordHeader..]);
        Volatile.Write(ref _indices.Tail, tail + skip + size);
        return true;
    }

    /// <summary>Consumer only: the oldest record, valid until <see cref="Advance"/>.</summary>
    public bool TryPeek(out long timestampNs, out ReadOnlySpan<byte> record)
    {
        var head = _indices.Head;
        var tail = Volatile.Read(ref _indices.Tail);
        while (head != tail)
        {
            var offset = (int)(head & _mask);
            var toEnd = _buffer.Length - offset;
            if (toEnd < RecordHeader || BinaryPrimitives.ReadUInt16LittleEndian(_buffer.AsSpan(offset)) == WrapMarker)
            {
                head += toEnd;
                Volatile.Write(ref _indices.Head, head);
                continue;
            }
            var length = BinaryPrimitives.ReadUInt16LittleEndian(_buffer.AsSpan(offset));
            timestampNs = BinaryPrimitives.ReadInt64LittleEndian(_buffer.AsSpan(offset + 2));
            record = _buffer.AsSpan(offset + RecordHeader, length);
            _peekedSize = RecordHeader + length;
            return true;
        }
        timestampNs = 0;
        record = default;
        return false;
    }

    /// <summary>Consumer only: releases the record returned by the last <see cref="TryPeek"/>.</summary>
    public void Advance()
    {
        Volatile.Write(ref _indices.Head, _indices.Head + _peekedSize);
        _peekedSize = 0;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct Indices
    {
        public CacheLinePadding Pad0;
        public long Head;
        public CacheLinePadding Pad1;
        public long Tail;
        public CacheLinePadding Pad2;
    }
}
