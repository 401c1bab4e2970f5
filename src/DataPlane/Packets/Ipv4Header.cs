using System.Buffers.Binary;

namespace TcpShadow.DataPlane.Packets;

/// <summary>A view over an IPv4 header (RFC 791).</summary>
public readonly ref struct Ipv4Header
{
    public const int MinLength = 20;
    public const byte ProtocolTcp = 6;

    public const int TotalLengthOffset = 2;
    public const int IdentificationOffset = 4;
    public const int FragmentOffset = 6;
    public const int TtlOffset = 8;
    public const int ProtocolOffset = 9;
    public const int ChecksumOffset = 10;
    public const int SourceOffset = 12;
    public const int DestinationOffset = 16;

    private readonly ReadOnlySpan<byte> _bytes;

    public Ipv4Header(ReadOnlySpan<byte> bytes) => _bytes = bytes;

    public int Version => _bytes[0] >> 4;

    public int HeaderLength => (_bytes[0] & 0x0F) * 4;

    public ushort TotalLength => BinaryPrimitives.ReadUInt16BigEndian(_bytes[TotalLengthOffset..]);

    public ushort Identification => BinaryPrimitives.ReadUInt16BigEndian(_bytes[IdentificationOffset..]);

    /// <summary>True for any fragment but a whole datagram (MF set or a non-zero offset).</summary>
    public bool IsFragment => (BinaryPrimitives.ReadUInt16BigEndian(_bytes[FragmentOffset..]) & 0x3FFF) != 0;

    public byte Ttl => _bytes[TtlOffset];

    public byte Protocol => _bytes[ProtocolOffset];

    public ushort Checksum => BinaryPrimitives.ReadUInt16BigEndian(_bytes[ChecksumOffset..]);

    public uint Source => BinaryPrimitives.ReadUInt32BigEndian(_bytes[SourceOffset..]);

    public uint Destination => BinaryPrimitives.ReadUInt32BigEndian(_bytes[DestinationOffset..]);
}
