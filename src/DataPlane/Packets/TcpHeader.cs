using System.Buffers.Binary;

namespace TcpShadow.DataPlane.Packets;

/// <summary>A view over a TCP header and its options (RFC 9293).</summary>
public readonly ref struct TcpHeader
{
    public const int MinLength = 20;
    public const int MaxLength = 60;

    public const int SourcePortOffset = 0;
    public const int DestinationPortOffset = 2;
    public const int SequenceOffset = 4;
    public const int AckOffset = 8;
    public const int DataOffsetOffset = 12;
    public const int FlagsOffset = 13;
    public const int WindowOffset = 14;
    public const int ChecksumOffset = 16;
    public const int UrgentOffset = 18;

    private readonly ReadOnlySpan<byte> _bytes;

    public TcpHeader(ReadOnlySpan<byte> bytes) => _bytes = bytes;

    public ushort SourcePort => BinaryPrimitives.ReadUInt16BigEndian(_bytes);

    public ushort DestinationPort => BinaryPrimitives.ReadUInt16BigEndian(_bytes[DestinationPortOffset..]);

    public uint Sequence => BinaryPrimitives.ReadUInt32BigEndian(_bytes[SequenceOffset..]);

    public uint Ack => BinaryPrimitives.ReadUInt32BigEndian(_bytes[AckOffset..]);

    public int HeaderLength => (_bytes[DataOffsetOffset] >> 4) * 4;

    public TcpFlags Flags => (TcpFlags)_bytes[FlagsOffset];

    public ushort Window => BinaryPrimitives.ReadUInt16BigEndian(_bytes[WindowOffset..]);

    public ushort Checksum => BinaryPrimitives.ReadUInt16BigEndian(_bytes[ChecksumOffset..]);

    public ReadOnlySpan<byte> Options => _bytes[MinLength..HeaderLength];

    public bool Has(TcpFlags flag) => (Flags & flag) != 0;
}
