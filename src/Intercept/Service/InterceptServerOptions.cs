using System.Net;
using TcpShadow.Intercept.Protocol;

namespace TcpShadow.Intercept.Service;

/// <summary>Settings of the intercept service; the command line maps onto these.</summary>
public sealed class InterceptServerOptions
{
    /// <summary>Address the replicator channel listens on (<c>-b</c>). Defaults to 0.0.0.0.</summary>
    public IPAddress BindAddress { get; set; } = IPAddress.Any;

    /// <summary>TCP port of the replicator channel (<c>-p</c>); 0 picks an ephemeral port. Defaults to 36524.</summary>
    public int Port { get; set; } = ProtocolConstants.DefaultPort;

    /// <summary>Payload bytes copied after the TCP header of each response (<c>--payload-bytes</c>). Defaults to 0.</summary>
    public int PayloadBytes { get; set; }

    /// <summary>Idle time before a route expires (<c>--route-ttl</c>). Defaults to 120 s.</summary>
    public TimeSpan RouteTtl { get; set; } = TimeSpan.FromSeconds(120);

    /// <summary>How long a SYN-ACK or RST waits for its registration. Defaults to 500 ms.</summary>
    public TimeSpan ParkTimeout { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Most responses parked at once. Defaults to 65536.</summary>
    public int ParkCapacity { get; set; } = 65536;

    /// <summary>Bytes of responses queued per replicator before its responses are dropped (power of two). Defaults to 1 MiB.</summary>
    public int PeerQueueBytes { get; set; } = 1 << 20;

    /// <summary>Heartbeat period on an idle channel. Defaults to 5 s.</summary>
    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>A replicator silent this long is disconnected. Defaults to 15 s.</summary>
    public TimeSpan PeerTimeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Time a new connection has to send Hello. Defaults to 5 s.</summary>
    public TimeSpan HandshakeTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Period of the statistics log line. Defaults to 5 s.</summary>
    public TimeSpan StatsInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Largest frame body accepted from a replicator. Defaults to 1 MiB.</summary>
    public int MaxBody { get; set; } = ProtocolConstants.DefaultMaxBody;

    /// <summary>Largest record: IP header (60) + TCP header (60) + <see cref="PayloadBytes"/>.</summary>
    public int MaxRecordLength => 120 + PayloadBytes;
}
