using TcpShadow.DataPlane.Packets;

namespace TcpShadow.DataPlane.Sessions;

/// <summary>One -x entry: packets to [online address:]online port go to target address:target port.</summary>
public readonly record struct TargetRoute(FlowAddress? OnlineAddress, ushort OnlinePort, FlowAddress TargetAddress, ushort TargetPort);
