using Microsoft.Extensions.Logging;
using TcpShadow.Intercept.Protocol;

namespace TcpShadow.Intercept.Service;

internal sealed partial class InterceptPeer
{
    [LoggerMessage(EventId = EventIds.PeerConnected, EventName = "PeerConnected", Level = LogLevel.Information,
        Message = "Replicator {PeerId} connected from {Remote} (instance {InstanceId:x16}).")]
    private static partial void LogConnected(ILogger logger, int peerId, string remote, ulong instanceId);

    [LoggerMessage(EventId = EventIds.PeerDisconnected, EventName = "PeerDisconnected", Level = LogLevel.Information,
        Message = "Replicator {PeerId} at {Remote} disconnected: {Reason} (responses queued {Queued}, dropped {Dropped}, frames sent {FramesSent}).")]
    private static partial void LogDisconnected(ILogger logger, int peerId, string remote, string reason, long queued, long dropped, long framesSent);

    [LoggerMessage(EventId = EventIds.HandshakeFailed, EventName = "HandshakeFailed", Level = LogLevel.Warning,
        Message = "Connection from {Remote} rejected: {Reason}.")]
    private static partial void LogHandshakeFailed(ILogger logger, string remote, string reason);

    [LoggerMessage(EventId = EventIds.UnsupportedVersion, EventName = "UnsupportedVersion", Level = LogLevel.Warning,
        Message = "Connection from {Remote} rejected: it speaks protocol versions {PeerMin}-{PeerMax}, this intercept {OurMin}-{OurMax}. Run matching tcpshadow and tcpshadow-intercept versions.")]
    private static partial void LogUnsupportedVersion(ILogger logger, string remote, ushort peerMin, ushort peerMax, ushort ourMin, ushort ourMax);

    [LoggerMessage(EventId = EventIds.MalformedFrame, EventName = "MalformedFrame", Level = LogLevel.Warning,
        Message = "Replicator {PeerId} at {Remote} sent a malformed frame ({Error}); disconnecting it.")]
    private static partial void LogMalformed(ILogger logger, int peerId, string remote, FrameReadError error);

    [LoggerMessage(EventId = EventIds.UnexpectedFrame, EventName = "UnexpectedFrame", Level = LogLevel.Warning,
        Message = "Replicator {PeerId} at {Remote} sent a {FrameType} frame, which replicators must not send; disconnecting it.")]
    private static partial void LogUnexpectedFrame(ILogger logger, int peerId, string remote, FrameType frameType);

    [LoggerMessage(EventId = EventIds.PeerError, EventName = "PeerError", Level = LogLevel.Warning,
        Message = "Replicator {PeerId} at {Remote} sent Error {Code}: {Text}")]
    private static partial void LogPeerError(ILogger logger, int peerId, string remote, ErrorCode code, string text);

    [LoggerMessage(EventId = EventIds.PeerTimeout, EventName = "PeerTimeout", Level = LogLevel.Warning,
        Message = "Replicator {PeerId} at {Remote} sent nothing for {Seconds} s; disconnecting it.")]
    private static partial void LogPeerTimeout(ILogger logger, int peerId, string remote, double seconds);
}
