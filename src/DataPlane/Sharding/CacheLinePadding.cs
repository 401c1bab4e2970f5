using System.Runtime.CompilerServices;

namespace TcpShadow.DataPlane.Sharding;

/// <summary>56 bytes that, after an 8-byte index, fill a 64-byte cache line so producer and consumer indices never share one.</summary>
[InlineArray(7)]
internal struct CacheLinePadding
{
    private long _element0;
}
