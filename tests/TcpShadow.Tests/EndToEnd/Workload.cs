namespace TcpShadow.Tests.EndToEnd;

public enum WorkloadKind
{
    /// <summary>wrk, 2 threads, N keep-alive connections, closed loop.</summary>
    KeepAlive,

    /// <summary>wrk, 2 threads, N connections, closed loop, Connection: close on every request.</summary>
    NewConnectionPerRequest,

    /// <summary>TcpShadow.LoadGen: a fixed rate of new connections per second, one request each.</summary>
    OpenLoop,
}

/// <summary>A bounded load from the client namespace to the online nginx, run through scripts/load.sh.</summary>
public sealed record Workload(WorkloadKind Kind, int DurationSeconds, int Connections = 32, int Rate = 0)
{
    /// <summary>TSH_E2E_DURATION (seconds) shortens or lengthens every workload, e.g. for a quick local run.</summary>
    public static int DefaultDurationSeconds =>
        int.TryParse(Environment.GetEnvironmentVariable("TSH_E2E_DURATION"), out var d) && d is >= 1 and <= 60 ? d : 10;

    public string[] LoadArguments(string prefix) => Kind switch
    {
        WorkloadKind.KeepAlive => ["keepalive", prefix, $"{DurationSeconds}", $"{Connections}"],
        WorkloadKind.NewConnectionPerRequest => ["close", prefix, $"{DurationSeconds}", $"{Connections}"],
        WorkloadKind.OpenLoop => ["open", prefix, $"{DurationSeconds}", $"{Rate}"],
        _ => throw new ArgumentOutOfRangeException(nameof(Kind)),
    };

    public TimeSpan Timeout => TimeSpan.FromSeconds(DurationSeconds + 45);

    public override string ToString() => Kind switch
    {
        WorkloadKind.OpenLoop => $"{Rate} new connections/s for {DurationSeconds}s",
        WorkloadKind.KeepAlive => $"{Connections} keep-alive connections, closed loop, {DurationSeconds}s",
        _ => $"{Connections} connections, new connection per request, closed loop, {DurationSeconds}s",
    };
}
