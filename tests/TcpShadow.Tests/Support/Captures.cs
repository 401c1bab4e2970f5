using System.Collections.Concurrent;

namespace TcpShadow.Tests.Support;

/// <summary>The kernel-produced fixtures under Captures/ (see scripts/make-fixtures.sh), loaded once.</summary>
public static class Captures
{
    private static readonly ConcurrentDictionary<string, PcapFile> s_files = new(StringComparer.Ordinal);

    public static string Directory => Path.Combine(AppContext.BaseDirectory, "Captures");

    public static IEnumerable<string> Names =>
        System.IO.Directory.EnumerateFiles(Directory, "*.pcap").Select(Path.GetFileName).Order(StringComparer.Ordinal)!;

    public static PcapFile Get(string name) => s_files.GetOrAdd(name, static n => PcapFile.Read(Path.Combine(Directory, n)));

    /// <summary>Every packet of every fixture, as (file, index) pairs for a theory.</summary>
    public static TheoryData<string, int> AllPackets()
    {
        var data = new TheoryData<string, int>();
        foreach (var name in Names)
        {
            for (var i = 0; i < Get(name).Frames.Count; i++)
            {
                data.Add(name, i);
            }
        }
        return data;
    }
}
