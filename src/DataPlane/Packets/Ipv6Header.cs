using System.Buffers.Binary;

namespace TcpShadow.DataPlane.Packets;

/// <summary>A view over the fixed IPv6 header (RFC 8200). Extension headers are not walked.</summary>
public readonly ref struct Ipv6Header
{
    public const int Length = 40;
    public const int PayloadLengthOffset = 4;
    public const int NextHeaderOffset = 6;
    public const int HopLimitOffset = 7;
    public const int SourceOffset = 8;
    public const int DestinationOffset = 24;

    private readonly ReadOnlySpan<byte> _bytes;

    public Ipv6Header(ReadOnlySpan<byte> bytes) => _bytes = bytes;

    public ushort PayloadLength => BinaryPrimitives.ReadUInt16BigEndian(_bytes[PayloadLengthOffset..]);

    public byte NextHeader => _bytes[NextHeaderOffset];

    public ReadOnlySpan<byte> Source => _bytes.Slice(SourceOffset, 16);

    public ReadOnlySpan<byte> Destination => _bytes.Slice(DestinationOffset, 16);
}
