using Microsoft.Extensions.Logging;

namespace TcpShadow.Intercept.Service;

public sealed partial class InterceptServer
{
    [LoggerMessage(EventId = EventIds.Listening, EventName = "Listening", Level = LogLevel.Information,
        Message = "Intercept listening for replicators on {EndPoint} (payload bytes {PayloadBytes}, route TTL {RouteTtlSeconds} s).")]
    private static partial void LogListening(ILogger logger, string endPoint, int payloadBytes, double routeTtlSeconds);

    [LoggerMessage(EventId = EventIds.Stats, EventName = "Stats", Level = LogLevel.Information,
        Message = "captured {Captured} routed {Routed} parked {Parked} parked-delivered {ParkedDelivered} unroutable {Unroutable} park-lost {ParkLost} expired {Expired} routes {Routes} peers {Peers} peer-drops {PeerDrops} parse-drops {ParseDrops} malformed {Malformed}")]
    private static partial void LogStats(ILogger logger, long captured, long routed, long parked, long parkedDelivered, long unroutable, long parkLost, long expired, int routes, int peers, long peerDrops, long parseDrops, long malformed);

    [LoggerMessage(EventId = EventIds.CaptureFault, EventName = "CaptureLoopFault", Level = LogLevel.Critical,
        Message = "The capture loop failed; the intercept stops.")]
    private static partial void LogCaptureFault(ILogger logger, Exception exception);

    [LoggerMessage(EventId = EventIds.CaptureClosed, EventName = "CaptureClosed", Level = LogLevel.Critical,
        Message = "The capture source closed; the intercept stops. Check that the interface still exists and the service still has CAP_NET_RAW.")]
    private static partial void LogCaptureClosed(ILogger logger);

    [LoggerMessage(EventId = EventIds.AcceptFailed, EventName = "AcceptFailed", Level = LogLevel.Warning,
        Message = "Accepting a replicator connection failed: {Error}.")]
    private static partial void LogAcceptFailed(ILogger logger, string error);

    [LoggerMessage(EventId = EventIds.Stopped, EventName = "Stopped", Level = LogLevel.Information,
        Message = "Intercept stopped (captured {Captured}, routed {Routed}, peer drops {PeerDrops}).")]
    private static partial void LogStopped(ILogger logger, long captured, long routed, long peerDrops);
}
