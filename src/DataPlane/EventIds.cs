namespace TcpShadow.DataPlane;

/// <summary>
/// Event-ID ranges per room; event names are a contract (alert rules and log searches key on them).
/// Interop 1000s, Capture 2000s, Sharding 3000s, Sessions 4000s, Intercept 5000s, Feedback 6000s, Cli 7000s, Metrics 8000s.
/// </summary>
internal static class EventIds
{
    public const int CaptureOpened = 2000;
    public const int ReplayFinished = 2001;
    public const int ReplayCorrupt = 2002;
    public const int ShardFaulted = 3000;
    public const int SendErrors = 3001;
    public const int DumpWritten = 3002;
    public const int ReplicatorStarting = 7000;
    public const int ReplicatorStopping = 7001;
    public const int StatsLine = 8000;
}
