using TcpShadow.DataPlane.Packets;

namespace TcpShadow.Intercept.Capture;

/// <summary>
/// Where the intercept reads the target's responses: a live device in production, an in-memory feed in tests.
/// Read by one thread (the capture loop), which waits at most a few milliseconds per call so registrations and
/// expiry are applied promptly.
/// </summary>
public interface IResponseCaptureSource : IDisposable
{
    /// <summary>The link-layer framing of every frame <see cref="Read"/> returns.</summary>
    LinkType LinkType { get; }

    /// <summary>Reads the next frame; <paramref name="frame"/> is valid until the next call.</summary>
    CaptureReadStatus Read(out ReadOnlySpan<byte> frame, out long timestampNs);
}
