namespace TcpShadow.DataPlane.Feedback;

/// <summary>Event IDs of the feedback room (6000–6999). Names and numbers are a contract.</summary>
internal static class EventIds
{
    public const int Connected = 6001;
    public const int ConnectFailed = 6002;
    public const int Disconnected = 6003;
    public const int HandshakeRejected = 6004;
    public const int MalformedFrame = 6005;
    public const int PeerTimeout = 6006;
    public const int Stopped = 6007;
}
