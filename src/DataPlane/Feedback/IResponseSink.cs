namespace TcpShadow.DataPlane.Feedback;

/// <summary>
/// Receives the target's response headers (IP header + TCP header, optionally a payload prefix) that an intercept
/// node captured. Called on the channel's thread; implementations hand the bytes to the owning shard without blocking.
/// </summary>
public interface IResponseSink
{
    /// <summary>Copies <paramref name="ipPacketPrefix"/> for the shard; false when the shard's ring is full (counted by the caller).</summary>
    bool TryDeliver(ReadOnlySpan<byte> ipPacketPrefix, long captureTimestampNs);
}
