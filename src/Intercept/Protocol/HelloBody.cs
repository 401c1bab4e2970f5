namespace TcpShadow.Intercept.Protocol;

/// <summary>The body of a <see cref="FrameType.Hello"/> frame.</summary>
public readonly record struct HelloBody(ushort MinVersion, ushort MaxVersion, ulong InstanceId);
