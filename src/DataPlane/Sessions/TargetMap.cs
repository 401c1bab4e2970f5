using TcpShadow.DataPlane.Packets;

namespace TcpShadow.DataPlane.Sessions;

/// <summary>The -x maps: which captured server endpoints are copied, and to where.</summary>
public sealed class TargetMap
{
    private readonly TargetRoute[] _routes;

    public TargetMap(IReadOnlyList<TargetRoute> routes)
    {
        _routes = [.. routes];
    }

    public IReadOnlyList<TargetRoute> Routes => _routes;

    /// <summary>Finds the route for a captured packet's destination; a route with an online address wins over a port-only one.</summary>
    public bool TryMap(in FlowAddress server, ushort port, out FlowAddress target, out ushort targetPort)
    {
        var found = -1;
        for (var i = 0; i < _routes.Length; i++)
        {
            ref readonly var route = ref _routes[i];
            if (route.OnlinePort != port)
            {
                continue;
            }
            if (route.OnlineAddress is { } address)
            {
                if (address == server)
                {
                    found = i;
                    break;
                }
            }
            else if (found < 0)
            {
                found = i;
            }
        }
        if (found < 0)
        {
            target = default;
            targetPort = 0;
            return false;
        }
        target = _routes[found].TargetAddress;
        targetPort = _routes[found].TargetPort;
        return true;
    }
}
