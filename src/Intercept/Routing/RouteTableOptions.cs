namespace TcpShadow.Intercept.Routing;

/// <summary>Settings of the intercept's <see cref="RouteTable"/>.</summary>
public sealed class RouteTableOptions
{
    /// <summary>Idle time after which a route that no response used is dropped. Defaults to 120 s (<c>--route-ttl</c>).</summary>
    public TimeSpan RouteTtl { get; set; } = TimeSpan.FromSeconds(120);

    /// <summary>How long a SYN-ACK or RST without a route waits for its registration. Defaults to 2 s (a replicator on a
    /// saturated host was measured registering over 500 ms late).</summary>
    public TimeSpan ParkTimeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Most responses parked at once; more are counted as park overflow. Defaults to 65536.</summary>
    public int ParkCapacity { get; set; } = 65536;

    /// <summary>Longest record parked: IP header (60) + TCP header (60) + the payload prefix. Defaults to 120.</summary>
    public int MaxRecordLength { get; set; } = 120;
}
