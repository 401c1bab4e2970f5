using System.Text;

namespace TcpShadow.Tests.EndToEnd;

public sealed record ReplicationResult(
    string Prefix,
    Workload Workload,
    AccessLog Online,
    AccessLog Target,
    ProcessResult Load,
    TimeSpan ReplicatorCpu,
    TimeSpan InterceptCpu,
    string ReplicatorLog,
    string InterceptLog,
    string ReplicatorTail,
    string InterceptTail)
{
    /// <summary>Ids in the online log and not in the target log. Nothing is ignored.</summary>
    public IReadOnlyList<string> Lost { get; } = Online.Ids.Except(Target.Ids).Order(StringComparer.Ordinal).ToList();

    public string Describe()
    {
        var sb = new StringBuilder();
        sb.AppendLine($"workload: {Workload} (ids /r/{Prefix}-*)");
        sb.AppendLine($"online requests: {Online.Count}, target requests: {Target.Count}, lost: {Lost.Count}" +
            (Online.Count > 0 ? $" ({100.0 * Lost.Count / Online.Count:F3}%)" : ""));
        if (Lost.Count > 0)
        {
            sb.AppendLine($"first lost ids: {string.Join(' ', Lost.Take(10))}");
        }

        sb.AppendLine($"target client addresses: {string.Join(", ", Target.RemoteAddresses.OrderByDescending(kv => kv.Value).Take(8).Select(kv => $"{kv.Key}×{kv.Value}"))}");
        sb.AppendLine($"replicator CPU {ReplicatorCpu.TotalSeconds:F2}s, intercept CPU {InterceptCpu.TotalSeconds:F2}s");
        sb.AppendLine($"load: {string.Join(" | ", Load.StdOut.Split('\n').Where(l => l.Contains("requests in", StringComparison.Ordinal) || l.StartsWith("sent=", StringComparison.Ordinal)).Select(l => l.Trim()))}");
        sb.AppendLine($"--- tcpshadow log {ReplicatorLog} (tail)");
        sb.AppendLine(ReplicatorTail);
        sb.AppendLine($"--- tcpshadow-intercept log {InterceptLog} (tail)");
        sb.AppendLine(InterceptTail);
        return sb.ToString();
    }
}
