using System.Collections.Concurrent;
using TcpShadow.DataPlane.Feedback;

namespace TcpShadow.Tests.Feedback;

internal sealed class RecordingSink : IResponseSink
{
    public ConcurrentQueue<(byte[] Packet, long Timestamp)> Records { get; } = new();

    public bool TryDeliver(ReadOnlySpan<byte> ipPacketPrefix, long captureTimestampNs)
    {
        Records.Enqueue((ipPacketPrefix.ToArray(), captureTimestampNs));
        return true;
    }
}
