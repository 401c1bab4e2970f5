using System.Net;
using System.Net.Sockets;

namespace TcpShadow.LoadGen;

internal sealed record SynProbeOptions(IPAddress Source, int SourcePort, IPEndPoint Destination, int Count)
{
    public static SynProbeOptions Parse(ArgReader a)
    {
        var options = new SynProbeOptions(
            a.Address("src"),
            (int)a.Long("sport", 1, 65_535),
            a.EndPoint("dst"),
            (int)a.Long("count", 1, 10, 1));
        if (options.Source.AddressFamily != AddressFamily.InterNetwork
            || options.Destination.AddressFamily != AddressFamily.InterNetwork)
        {
            throw new UsageException("syn: IPv4 only");
        }

        return options;
    }
}
