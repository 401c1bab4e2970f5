namespace TcpShadow.DataPlane.Sessions;

/// <summary>Session-engine settings; the CLI validates and fills them.</summary>
public sealed class EngineOptions
{
    /// <summary>Hold each request until the target's previous response is complete. Defaults to true; -W turns it off.</summary>
    public bool GateRequests { get; set; } = true;

    /// <summary>Sessions with no target progress for this long are dropped as timed out (-t). Defaults to 120 s.</summary>
    public TimeSpan SessionTimeout { get; set; } = TimeSpan.FromSeconds(120);

    /// <summary>Idle sessions (no client packet, nothing pending) are expired after this long (-k). Defaults to 600 s.</summary>
    public TimeSpan KeepAliveTimeout { get; set; } = TimeSpan.FromSeconds(600);

    /// <summary>How long a finished session absorbs stragglers before it is freed. Defaults to 2 s.</summary>
    public TimeSpan Linger { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Largest IP packet sent towards the target (-M). Defaults to 1500.</summary>
    public int Mtu { get; set; } = 1500;

    /// <summary>Quiet time after the last response byte before the next request goes; floor and ceiling of the measured RTT.</summary>
    public TimeSpan MinResponseQuiet { get; set; } = TimeSpan.FromMicroseconds(200);

    public TimeSpan MaxResponseQuiet { get; set; } = TimeSpan.FromMilliseconds(20);

    /// <summary>A request whose predecessor got no response at all is released after this long. Defaults to 1 s.</summary>
    public TimeSpan ResponseWait { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Retransmissions of one segment before the session is given up as lost. Defaults to 8.</summary>
    public int MaxRetransmits { get; set; } = 8;

    /// <summary>Most sessions one shard holds. Defaults to 1 000 000.</summary>
    public int MaxSessions { get; set; } = 1_000_000;
}
