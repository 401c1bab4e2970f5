using System.Collections.Concurrent;
using TcpShadow.DataPlane.Packets;
using TcpShadow.Intercept.Capture;

namespace TcpShadow.Tests.Intercept.Service;

/// <summary>An in-memory capture source: tests inject bare IP packets as if libpcap had captured them.</summary>
internal sealed class FakeCaptureSource : IResponseCaptureSource
{
    private readonly BlockingCollection<(byte[] Frame, long Timestamp)> _frames = [];
    private byte[] _current = [];

    public LinkType LinkType => LinkType.Raw;

    public void Inject(byte[] frame, long timestampNs) => _frames.Add((frame, timestampNs));

    public CaptureReadStatus Read(out ReadOnlySpan<byte> frame, out long timestampNs)
    {
        if (_frames.IsAddingCompleted && _frames.Count == 0)
        {
            frame = default;
            timestampNs = 0;
            return CaptureReadStatus.Closed;
        }
        if (_frames.TryTake(out var item, 2))
        {
            _current = item.Frame;
            frame = _current;
            timestampNs = item.Timestamp;
            return CaptureReadStatus.Packet;
        }
        frame = default;
        timestampNs = 0;
        return CaptureReadStatus.Timeout;
    }

    public void Dispose() => _frames.CompleteAdding();
}
