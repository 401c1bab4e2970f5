namespace TcpShadow.Tests.EndToEnd;

/// <summary>
/// The requests of one run (one id prefix) in an nginx access log written with the "tsh" format
/// of scripts/lib/nginx.sh: "$msec $remote_addr $request_uri $status $connection_requests".
/// </summary>
public sealed class AccessLog
{
    private AccessLog(HashSet<string> ids, Dictionary<string, int> remoteAddresses, int maxRequestsPerConnection)
    {
        Ids = ids;
        RemoteAddresses = remoteAddresses;
        MaxRequestsPerConnection = maxRequestsPerConnection;
    }

    /// <summary>Unique request ids (the path after "/r/").</summary>
    public IReadOnlySet<string> Ids { get; }

    /// <summary>Requests per client address.</summary>
    public IReadOnlyDictionary<string, int> RemoteAddresses { get; }

    /// <summary>The largest $connection_requests seen: 1 when every request had its own connection.</summary>
    public int MaxRequestsPerConnection { get; }

    public int Count => Ids.Count;

    public static AccessLog Read(string path, string prefix)
    {
        var match = "/r/" + prefix + "-";
        var ids = new HashSet<string>(StringComparer.Ordinal);
        var addresses = new Dictionary<string, int>(StringComparer.Ordinal);
        var maxPerConnection = 0;
        if (!File.Exists(path))
        {
            return new AccessLog(ids, addresses, 0);
        }

        // nginx keeps appending while we read.
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var reader = new StreamReader(stream);
        while (reader.ReadLine() is { } line)
        {
            var f = line.Split(' ');
            if (f.Length < 5 || !f[2].StartsWith(match, StringComparison.Ordinal))
            {
                continue;
            }

            ids.Add(f[2][3..]);
            addresses[f[1]] = addresses.GetValueOrDefault(f[1]) + 1;
            if (int.TryParse(f[4], out var n) && n > maxPerConnection)
            {
                maxPerConnection = n;
            }
        }

        return new AccessLog(ids, addresses, maxPerConnection);
    }

    /// <summary>
    /// Reads until the count stops growing between two reads <paramref name="interval"/> apart
    /// (nginx flushes its log buffer every second), or <paramref name="max"/> has passed.
    /// </summary>
    public static async Task<AccessLog> ReadSettledAsync(string path, string prefix, TimeSpan interval, TimeSpan max, CancellationToken cancellationToken, int goal = int.MaxValue)
    {
        var deadline = DateTime.UtcNow + max;
        var last = Read(path, prefix);
        while (DateTime.UtcNow < deadline && last.Count < goal)
        {
            await Task.Delay(interval, cancellationToken);
            var next = Read(path, prefix);
            if (next.Count == last.Count)
            {
                return next;
            }

            last = next;
        }

        return last;
    }
}
