using Microsoft.Extensions.Logging;

namespace TcpShadow.DataPlane.Feedback;

public sealed partial class InterceptClient
{
    [LoggerMessage(EventId = EventIds.Connected, EventName = "InterceptConnected", Level = LogLevel.Information,
        Message = "Connected to intercept {EndPoint}; registering {LiveTuples} live tuples (reconnect: {IsReconnect}).")]
    private static partial void LogConnected(ILogger logger, string endPoint, int liveTuples, bool isReconnect);

    [LoggerMessage(EventId = EventIds.ConnectFailed, EventName = "InterceptConnectFailed", Level = LogLevel.Warning,
        Message = "Cannot reach intercept {EndPoint}: {Reason}; retrying in {BackoffMs} ms. Check that tcpshadow-intercept runs there and the port is open.")]
    private static partial void LogConnectFailed(ILogger logger, string endPoint, string reason, double backoffMs);

    [LoggerMessage(EventId = EventIds.Disconnected, EventName = "InterceptDisconnected", Level = LogLevel.Warning,
        Message = "Lost intercept {EndPoint}: {Reason}; reconnecting.")]
    private static partial void LogDisconnected(ILogger logger, string endPoint, string reason);

    [LoggerMessage(EventId = EventIds.HandshakeRejected, EventName = "InterceptHandshakeRejected", Level = LogLevel.Error,
        Message = "Intercept {EndPoint} rejected the handshake ({Code}): {Text}")]
    private static partial void LogHandshakeRejected(ILogger logger, string endPoint, string code, string text);

    [LoggerMessage(EventId = EventIds.MalformedFrame, EventName = "InterceptMalformedFrame", Level = LogLevel.Warning,
        Message = "Intercept {EndPoint} sent a malformed frame ({Error}); reconnecting.")]
    private static partial void LogMalformed(ILogger logger, string endPoint, string error);

    [LoggerMessage(EventId = EventIds.PeerTimeout, EventName = "InterceptSilent", Level = LogLevel.Warning,
        Message = "Intercept {EndPoint} sent nothing for {Seconds} s; reconnecting.")]
    private static partial void LogPeerTimeout(ILogger logger, string endPoint, double seconds);

    [LoggerMessage(EventId = EventIds.Stopped, EventName = "InterceptClientStopped", Level = LogLevel.Information,
        Message = "Intercept client for {EndPoint} stopped (frames sent {FramesSent}, responses received {RecordsReceived}).")]
    private static partial void LogStopped(ILogger logger, string endPoint, long framesSent, long recordsReceived);
}
