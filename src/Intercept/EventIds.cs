namespace TcpShadow.Intercept;

/// <summary>Event IDs of the intercept room (5000–5999). Names and numbers are a contract: dashboards and tests match them.</summary>
internal static class EventIds
{
    public const int Listening = 5001;
    public const int PeerConnected = 5002;
    public const int PeerDisconnected = 5003;
    public const int HandshakeFailed = 5004;
    public const int MalformedFrame = 5005;
    public const int UnsupportedVersion = 5006;
    public const int Stats = 5007;
    public const int CaptureOpened = 5008;
    public const int CaptureFault = 5009;
    public const int PeerTimeout = 5010;
    public const int PeerError = 5011;
    public const int DirectionUnsupported = 5012;
    public const int Stopped = 5013;
    public const int UnexpectedFrame = 5014;
    public const int AcceptFailed = 5015;
    public const int CaptureClosed = 5016;
}
