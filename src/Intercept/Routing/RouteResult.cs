namespace TcpShadow.Intercept.Routing;

/// <summary>What <see cref="RouteTable.Route"/> did with one captured response.</summary>
public enum RouteResult : byte
{
    /// <summary>A route exists: deliver to the returned peer.</summary>
    Routed,

    /// <summary>No route yet, but a SYN-ACK or RST: held until its registration arrives or the park timeout.</summary>
    Parked,

    /// <summary>No route and not parkable: counted and dropped.</summary>
    Unroutable,

    /// <summary>Parkable, but the parking lot is full (or the record too long): counted and dropped.</summary>
    ParkFull,
}
