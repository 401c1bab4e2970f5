using TcpShadow.DataPlane.Packets;
using TcpShadow.Interop;

namespace TcpShadow.DataPlane.Sending;

/// <summary>Sends through <c>IP_HDRINCL</c> raw sockets (TCPCopy's default output), one per address family, opened lazily.</summary>
public struct RawSocketSender : IPacketSender, IDisposable
{
    private RawIpSocket? _v4;
    private RawIpSocket? _v6;

    public static RawSocketSender Open(bool ipv4, bool ipv6) => new()
    {
        _v4 = ipv4 ? RawIpSocket.Open(ipv6: false) : null,
        _v6 = ipv6 ? RawIpSocket.Open(ipv6: true) : null,
    };

    public readonly int Send(ReadOnlySpan<byte> ipPacket, in FlowAddress destination)
    {
        if (destination.IsIPv4)
        {
            return _v4 is null ? Errno.EINVAL : _v4.SendV4(ipPacket, destination.V4);
        }
        if (_v6 is null)
        {
            return Errno.EINVAL;
        }
        Span<byte> address = stackalloc byte[16];
        destination.Write16(address);
        return _v6.SendV6(ipPacket, address);
    }

    public void Dispose()
    {
        _v4?.Dispose();
        _v6?.Dispose();
    }
}
