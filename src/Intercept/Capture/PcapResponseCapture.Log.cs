using Microsoft.Extensions.Logging;

namespace TcpShadow.Intercept.Capture;

public sealed partial class PcapResponseCapture
{
    [LoggerMessage(EventId = EventIds.CaptureOpened, EventName = "CaptureOpened", Level = LogLevel.Information,
        Message = "Capturing responses on {Interface} with filter '{Filter}' (link type {LinkType}, snap length {SnapLength}).")]
    private static partial void LogOpened(ILogger logger, string @interface, string filter, string linkType, int snapLength);

    [LoggerMessage(EventId = EventIds.DirectionUnsupported, EventName = "DirectionUnsupported", Level = LogLevel.Warning,
        Message = "Capture on {Interface} cannot be limited to inbound packets ({Reason}); outgoing packets are parsed and ignored.")]
    private static partial void LogDirectionUnsupported(ILogger logger, string @interface, string reason);

    [LoggerMessage(EventId = EventIds.CaptureFault, EventName = "CaptureFault", Level = LogLevel.Error,
        Message = "Capture failed: {Reason}. The capture loop stops; restart the service.")]
    private static partial void LogFault(ILogger logger, string reason);
}
