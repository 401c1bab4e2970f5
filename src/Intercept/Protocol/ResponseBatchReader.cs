using System.Buffers.Binary;

namespace TcpShadow.Intercept.Protocol;

/// <summary>Walks the records of a Responses body that <see cref="FrameReader"/> validated; never copies.</summary>
public ref struct ResponseBatchReader
{
    private ReadOnlySpan<byte> _remaining;

    public ResponseBatchReader(ReadOnlySpan<byte> body)
    {
        Count = BinaryPrimitives.ReadUInt16BigEndian(body);
        _remaining = body[ProtocolConstants.CountSize..];
    }

    public int Count { get; }

    /// <summary>The next record: capture time (unix ns) and the IP packet prefix (IP header, TCP header, payload prefix).</summary>
    public bool TryNext(out long timestampNs, out ReadOnlySpan<byte> ipPacketPrefix)
    {
        if (_remaining.Length < ProtocolConstants.ResponseRecordHeaderSize)
        {
            timestampNs = 0;
            ipPacketPrefix = default;
            return false;
        }
        timestampNs = BinaryPrimitives.ReadInt64BigEndian(_remaining);
        int length = BinaryPrimitives.ReadUInt16BigEndian(_remaining[8..]);
        var rest = _remaining[ProtocolConstants.ResponseRecordHeaderSize..];
        if ((uint)length > (uint)rest.Length)
        {
            timestampNs = 0;
            ipPacketPrefix = default;
            return false;
        }
        ipPacketPrefix = rest[..length];
        _remaining = rest[length..];
        return true;
    }
}
