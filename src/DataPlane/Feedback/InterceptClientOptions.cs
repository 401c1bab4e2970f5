namespace TcpShadow.DataPlane.Feedback;

/// <summary>Settings of one <see cref="InterceptClient"/>.</summary>
public sealed class InterceptClientOptions
{
    /// <summary>Sent in Hello so the intercept's logs tell replicators apart. Defaults to a random value.</summary>
    public ulong InstanceId { get; set; } = (ulong)Random.Shared.NextInt64();

    /// <summary>Registration changes queued before <see cref="InterceptClient.TryRegister"/> returns false (power of two). Defaults to 65536.</summary>
    public int RegistrationQueueCapacity { get; set; } = 1 << 16;

    /// <summary>Heartbeat period on an idle channel. Defaults to 5 s.</summary>
    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>The channel is declared dead when no frame arrives for this long. Defaults to 15 s.</summary>
    public TimeSpan PeerTimeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Time for the TCP connect plus the Hello exchange. Defaults to 3 s.</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>First reconnect delay; it doubles per failure. Defaults to 100 ms.</summary>
    public TimeSpan MinBackoff { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>Longest reconnect delay. Defaults to 5 s.</summary>
    public TimeSpan MaxBackoff { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Largest frame body accepted from the intercept. Defaults to 1 MiB.</summary>
    public int MaxBody { get; set; } = 1 << 20;
}
