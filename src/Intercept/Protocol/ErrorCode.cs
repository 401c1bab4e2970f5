namespace TcpShadow.Intercept.Protocol;

/// <summary>Codes carried by an <see cref="FrameType.Error"/> frame. Values are a wire contract.</summary>
public enum ErrorCode : ushort
{
    None = 0,
    UnsupportedVersion = 1,
    HandshakeRequired = 2,
    MalformedFrame = 3,
    UnexpectedFrame = 4,
    ShuttingDown = 5,
}
