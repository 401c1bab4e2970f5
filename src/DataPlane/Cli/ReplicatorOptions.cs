using System.Net;
using TcpShadow.DataPlane.Capture;
using TcpShadow.DataPlane.Packets;
using TcpShadow.DataPlane.Sessions;

namespace TcpShadow.DataPlane.Cli;

/// <summary>Everything the <c>tcpshadow</c> command line sets; filled and validated by <see cref="ReplicatorOptionsParser"/>.</summary>
public sealed class ReplicatorOptions
{
    /// <summary>-x: the copy maps. Required.</summary>
    public List<TargetRoute> Routes { get; } = new();

    /// <summary>-s: intercept nodes. Required.</summary>
    public List<IPEndPoint> InterceptEndpoints { get; } = new();

    /// <summary>-c: fake client addresses; empty keeps the real client addresses.</summary>
    public List<FlowAddress> ClientAddresses { get; } = new();

    /// <summary>-i: capture device. Defaults to <c>any</c>.</summary>
    public string Interface { get; set; } = "any";

    /// <summary>-F: BPF filter; null builds one from -x.</summary>
    public string? Filter { get; set; }

    /// <summary>-p: intercept port for -s entries without one. Defaults to 36524.</summary>
    public int InterceptPort { get; set; } = 36524;

    /// <summary>-l: log file; null logs to standard error.</summary>
    public string? LogFile { get; set; }

    /// <summary>--stats-interval: seconds between stats lines. Defaults to 5; 0 turns them off.</summary>
    public int StatsIntervalSeconds { get; set; } = 5;

    /// <summary>--capture-buffer: kernel capture buffer in MiB. Defaults to 256 (≈ 8 s of a saturated shard at 4 ms blocks).</summary>
    public int CaptureBufferMiB { get; set; } = 256;

    /// <summary>--metrics-listen: where to serve Prometheus metrics (<c>/metrics</c>). Defaults to null: no endpoint.</summary>
    public IPEndPoint? MetricsListen { get; set; }

    public EngineOptions Engine { get; } = new();

    /// <summary>-i FILE or --input-file: replay this pcap/pcapng file instead of capturing live; null captures live.</summary>
    public string? InputFile { get; set; }

    /// <summary>-a, -I, -T: pacing of an offline replay.</summary>
    public PcapReplayOptions Replay { get; } = new();

    /// <summary>--exit-after-replay: seconds to let sessions drain after the file ends, then exit 0. Defaults to 10.</summary>
    public int ExitAfterReplaySeconds { get; set; } = 10;

    /// <summary>--dump: write what would be sent to this pcap file instead of sending (a dry run); null sends.</summary>
    public string? DumpFile { get; set; }

    public bool ShowHelp { get; set; }

    public bool ShowVersion { get; set; }

    /// <summary>The capture filter: -F as given, or one that matches client→server packets of every -x map and never our own copies.</summary>
    public string EffectiveFilter()
    {
        if (Filter is not null)
        {
            return Filter;
        }
        var parts = new List<string>();
        foreach (var route in Routes)
        {
            var part = $"dst port {route.OnlinePort}";
            if (route.OnlineAddress is { } online)
            {
                part += $" and dst host {online}";
            }
            part += $" and not (dst host {route.TargetAddress} and dst port {route.TargetPort})";
            parts.Add("(" + part + ")");
        }
        // Pure ACKs are most client packets of a request/response exchange and the engine makes its own, so the kernel
        // drops them: only SYN/FIN/RST or a payload pass (IPv4; a zero total length is a GRO/TSO super-packet; IPv6 passes).
        return "tcp and (" + string.Join(" or ", parts) + ") and (ip6 or tcp[13] & 7 != 0 or ip[2:2] = 0 or ip[2:2] > ((ip[0] & 0xf) << 2) + ((tcp[12] & 0xf0) >> 2))";
    }
}
