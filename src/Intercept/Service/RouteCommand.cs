using TcpShadow.DataPlane.Packets;

namespace TcpShadow.Intercept.Service;

/// <summary>One route-table change, queued by a peer's reader for the capture thread.</summary>
internal struct RouteCommand
{
    public RouteCommandKind Kind;
    public int PeerId;
    public FlowKey Key;
    public InterceptPeer? Peer;
}
