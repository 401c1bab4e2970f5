namespace TcpShadow.Intercept.Protocol;

/// <summary>The body of a <see cref="FrameType.HelloAck"/> frame.</summary>
public readonly record struct HelloAckBody(ushort Version, uint MaxBody);
