using TcpShadow.DataPlane.Packets;
using TcpShadow.Tests.Support;

namespace TcpShadow.Benchmarks.Support;

/// <summary>
/// A socket-less packet source: the kernel-produced fixtures (tests/TcpShadow.Tests/Captures), embedded in
/// this assembly, repeated into a batch so one benchmark invocation walks many frames.
/// </summary>
public static class Fixtures
{
    public static PcapFile Load(string name)
    {
        var resource = "Captures/" + name;
        using var stream = typeof(Fixtures).Assembly.GetManifestResourceStream(resource)
            ?? throw new InvalidOperationException($"Fixture {resource} is not embedded; see TcpShadow.Benchmarks.csproj.");
        using var memory = new MemoryStream();
        stream.CopyTo(memory);
        return PcapFile.Parse(name, memory.ToArray());
    }

    /// <summary>The file's frames, cycled to <paramref name="count"/> entries.</summary>
    public static byte[][] Batch(PcapFile file, int count)
    {
        var frames = new byte[count][];
        for (var i = 0; i < count; i++)
        {
            frames[i] = file.Frames[i % file.Frames.Count].ToArray();
        }
        return frames;
    }

    /// <summary>Parses every frame once; a fixture that does not parse is a broken benchmark, not a slow one.</summary>
    public static PacketLayout[] Layouts(LinkType linkType, byte[][] frames)
    {
        var layouts = new PacketLayout[frames.Length];
        for (var i = 0; i < frames.Length; i++)
        {
            var reason = PacketParser.Parse(linkType, frames[i], out layouts[i]);
            if (reason != DropReason.None)
            {
                throw new InvalidOperationException($"Fixture frame {i} does not parse: {reason}");
            }
        }
        return layouts;
    }
}
