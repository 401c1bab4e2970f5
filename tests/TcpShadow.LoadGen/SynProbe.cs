using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;

namespace TcpShadow.LoadGen;

/// <summary>
/// Sends hand-built TCP SYNs with a chosen (spoofable) source through an IPPROTO_RAW socket,
/// which implies IP_HDRINCL. Checksums are computed here: a packet handed to the kernel this
/// way carries no checksum-offload metadata, so the receiver verifies what we wrote.
/// </summary>
internal static class SynProbe
{
    private const int IpHeaderLength = 20;
    private const int TcpHeaderLength = 24; // 20 + MSS option

    public static int Run(SynProbeOptions o)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Raw, ProtocolType.Raw);
        var packet = new byte[IpHeaderLength + TcpHeaderLength];
        for (var i = 0; i < o.Count; i++)
        {
            var seq = (uint)Random.Shared.NextInt64(0, uint.MaxValue);
            Build(packet, o.Source, (ushort)o.SourcePort, o.Destination.Address, (ushort)o.Destination.Port, seq);
            socket.SendTo(packet, new IPEndPoint(o.Destination.Address, 0));
            Console.WriteLine(
                $"sent SYN {o.Source}:{o.SourcePort} -> {o.Destination} seq={seq} " +
                $"ip_csum=0x{BinaryPrimitives.ReadUInt16BigEndian(packet.AsSpan(10)):x4} " +
                $"tcp_csum=0x{BinaryPrimitives.ReadUInt16BigEndian(packet.AsSpan(IpHeaderLength + 16)):x4}");
            if (i + 1 < o.Count)
            {
                Thread.Sleep(100);
            }
        }

        return 0;
    }

    public static void Build(Span<byte> p, IPAddress src, ushort sport, IPAddress dst, ushort dport, uint seq)
    {
        p.Clear();
        var ip = p[..IpHeaderLength];
        ip[0] = 0x45;
        BinaryPrimitives.WriteUInt16BigEndian(ip[2..], (ushort)p.Length);
        BinaryPrimitives.WriteUInt16BigEndian(ip[4..], (ushort)Random.Shared.Next(0, 65_536));
        BinaryPrimitives.WriteUInt16BigEndian(ip[6..], 0x4000); // DF
        ip[8] = 64;
        ip[9] = (byte)ProtocolType.Tcp;
        src.TryWriteBytes(ip[12..16], out _);
        dst.TryWriteBytes(ip[16..20], out _);
        BinaryPrimitives.WriteUInt16BigEndian(ip[10..], Fold(Sum(ip, 0)));

        var tcp = p[IpHeaderLength..];
        BinaryPrimitives.WriteUInt16BigEndian(tcp, sport);
        BinaryPrimitives.WriteUInt16BigEndian(tcp[2..], dport);
        BinaryPrimitives.WriteUInt32BigEndian(tcp[4..], seq);
        tcp[12] = (TcpHeaderLength / 4) << 4;
        tcp[13] = 0x02; // SYN
        BinaryPrimitives.WriteUInt16BigEndian(tcp[14..], 64_240);
        tcp[20] = 2; // MSS
        tcp[21] = 4;
        BinaryPrimitives.WriteUInt16BigEndian(tcp[22..], 1_460);

        // Pseudo-header: src, dst, zero, protocol, TCP length.
        var pseudo = Sum(ip[12..20], 0) + (uint)ProtocolType.Tcp + (uint)tcp.Length;
        BinaryPrimitives.WriteUInt16BigEndian(tcp[16..], Fold(Sum(tcp, pseudo)));
    }

    private static uint Sum(ReadOnlySpan<byte> data, uint sum)
    {
        for (var i = 0; i + 1 < data.Length; i += 2)
        {
            sum += BinaryPrimitives.ReadUInt16BigEndian(data[i..]);
        }

        if ((data.Length & 1) != 0)
        {
            sum += (uint)data[^1] << 8;
        }

        return sum;
    }

    private static ushort Fold(uint sum)
    {
        while (sum > 0xffff)
        {
            sum = (sum & 0xffff) + (sum >> 16);
        }

        return (ushort)~sum;
    }
}
