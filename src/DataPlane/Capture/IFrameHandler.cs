namespace TcpShadow.DataPlane.Capture;

/// <summary>Receives captured frames from a source; a struct so the drain loop devirtualizes.</summary>
public interface IFrameHandler
{
    void OnFrame(ReadOnlySpan<byte> frame, long captureUs);
}
