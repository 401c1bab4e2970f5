using System.Runtime.CompilerServices;

namespace TcpShadow.DataPlane.Sharding;

/// <summary>One response record in flight from the intercept channel to a shard: up to 112 header bytes, copied by value.</summary>
public struct ResponseSlot
{
    /// <summary>IPv6 (40) + the largest TCP header (60) fit; the slot is 128 bytes so a deep ring stays small.</summary>
    public const int Capacity = 112;

    public Bytes Data;
    public int Length;
    public long TimestampNs;

    [InlineArray(Capacity)]
    public struct Bytes
    {
        private byte _element0;
    }
}
