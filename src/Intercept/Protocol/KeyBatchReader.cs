using System.Buffers.Binary;
using TcpShadow.DataPlane.Packets;

namespace TcpShadow.Intercept.Protocol;

/// <summary>Walks the keys of a Register or Unregister body that <see cref="FrameReader"/> validated.</summary>
public ref struct KeyBatchReader
{
    private ReadOnlySpan<byte> _remaining;

    public KeyBatchReader(ReadOnlySpan<byte> body)
    {
        Count = BinaryPrimitives.ReadUInt16BigEndian(body);
        _remaining = body[ProtocolConstants.CountSize..];
    }

    public int Count { get; }

    public bool TryNext(out FlowKey key)
    {
        if (_remaining.Length < FlowKey.WireSize)
        {
            key = default;
            return false;
        }
        key = FlowKey.Read(_remaining);
        _remaining = _remaining[FlowKey.WireSize..];
        return true;
    }
}
