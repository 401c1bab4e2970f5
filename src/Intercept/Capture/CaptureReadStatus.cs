namespace TcpShadow.Intercept.Capture;

/// <summary>What <see cref="IResponseCaptureSource.Read"/> returned.</summary>
public enum CaptureReadStatus : byte
{
    /// <summary>A frame was read; its span is valid until the next call.</summary>
    Packet,

    /// <summary>Nothing arrived within the source's poll interval (a few ms): the loop does housekeeping.</summary>
    Timeout,

    /// <summary>The source closed or failed; the capture loop ends.</summary>
    Closed,
}
