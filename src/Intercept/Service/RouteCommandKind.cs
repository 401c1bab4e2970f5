namespace TcpShadow.Intercept.Service;

/// <summary>Route-table changes handed to the capture thread, which owns the table.</summary>
internal enum RouteCommandKind : byte
{
    AddPeer = 1,
    RemovePeer,
    Register,
    Unregister,
}
