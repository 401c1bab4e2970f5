using System.Buffers.Binary;
using System.Net;
using System.Runtime.CompilerServices;

namespace TcpShadow.DataPlane.Packets;

/// <summary>
/// An IPv4 or IPv6 address held in 16 bytes, IPv4 as an IPv4-mapped IPv6 address (::ffff:a.b.c.d),
/// so session keys and the engine's API carry either family without a branch or an allocation.
/// </summary>
public readonly struct FlowAddress : IEquatable<FlowAddress>
{
    // ::ffff:0:0/96 prefix of an IPv4-mapped address, as the high and low words read big-endian.
    private const ulong MappedHigh = 0;
    private const ulong MappedLowPrefix = 0x0000_FFFF_0000_0000;

    private readonly ulong _high;
    private readonly ulong _low;

    private FlowAddress(ulong high, ulong low)
    {
        _high = high;
        _low = low;
    }

    public bool IsIPv4 => _high == MappedHigh && (_low & 0xFFFF_FFFF_0000_0000) == MappedLowPrefix;

    /// <summary>The IPv4 address in host order; only meaningful when <see cref="IsIPv4"/>.</summary>
    public uint V4 => (uint)_low;

    public static FlowAddress FromV4(uint hostOrder) => new(MappedHigh, MappedLowPrefix | hostOrder);

    /// <summary>Reads 4 bytes (IPv4) or 16 bytes (IPv6) in network order.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static FlowAddress FromV4Bytes(ReadOnlySpan<byte> four) => FromV4(BinaryPrimitives.ReadUInt32BigEndian(four));

    public static FlowAddress FromV6Bytes(ReadOnlySpan<byte> sixteen) =>
        new(BinaryPrimitives.ReadUInt64BigEndian(sixteen), BinaryPrimitives.ReadUInt64BigEndian(sixteen[8..]));

    /// <summary>Writes the 16-byte form in network order.</summary>
    public void Write16(Span<byte> destination)
    {
        BinaryPrimitives.WriteUInt64BigEndian(destination, _high);
        BinaryPrimitives.WriteUInt64BigEndian(destination[8..], _low);
    }

    /// <summary>Reads the 16-byte form written by <see cref="Write16"/>.</summary>
    public static FlowAddress Read16(ReadOnlySpan<byte> sixteen) => FromV6Bytes(sixteen);

    public void WriteV4(Span<byte> four) => BinaryPrimitives.WriteUInt32BigEndian(four, V4);

    public static FlowAddress FromIPAddress(IPAddress address)
    {
        Span<byte> bytes = stackalloc byte[16];
        if (address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork)
        {
            address.TryWriteBytes(bytes, out _);
            return FromV4Bytes(bytes);
        }
        address.TryWriteBytes(bytes, out _);
        return FromV6Bytes(bytes);
    }

    public static bool TryParse(string text, out FlowAddress address)
    {
        if (IPAddress.TryParse(text, out var ip))
        {
            address = FromIPAddress(ip);
            return true;
        }
        address = default;
        return false;
    }

    public IPAddress ToIPAddress()
    {
        if (IsIPv4)
        {
            return new IPAddress(BinaryPrimitives.ReverseEndianness(V4));
        }
        Span<byte> bytes = stackalloc byte[16];
        Write16(bytes);
        return new IPAddress(bytes);
    }

    public FlowAddress AddV4(uint offset) => FromV4(V4 + offset);

    public ulong Hash64 => _high * 0x9E3779B97F4A7C15UL ^ _low;

    public bool Equals(FlowAddress other) => _high == other._high && _low == other._low;

    public override bool Equals(object? obj) => obj is FlowAddress other && Equals(other);

    public override int GetHashCode() => HashCode.Combine(_high, _low);

    public static bool operator ==(FlowAddress left, FlowAddress right) => left.Equals(right);

    public static bool operator !=(FlowAddress left, FlowAddress right) => !left.Equals(right);

    public override string ToString() => ToIPAddress().ToString();
}
