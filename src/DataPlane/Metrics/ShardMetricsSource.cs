using TcpShadow.DataPlane.Sessions;

namespace TcpShadow.DataPlane.Metrics;

/// <summary>What the scrape reads for one shard: its counters plus the two counts kept outside them.</summary>
/// <param name="Index">The shard number, exported as the <c>shard</c> label.</param>
/// <param name="Counters">The shard's plain-field counters (written by the shard thread only).</param>
/// <param name="KernelDrops">Packets the kernel dropped before capture (pcap_stats), read at scrape.</param>
/// <param name="ResponseRingDrops">Responses dropped because the shard's response ring was full, read at scrape.</param>
public sealed record ShardMetricsSource(int Index, EngineCounters Counters, Func<long> KernelDrops, Func<long> ResponseRingDrops);
