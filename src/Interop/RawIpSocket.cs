using System.Buffers.Binary;

namespace TcpShadow.Interop;

/// <summary>
/// An <c>IP_HDRINCL</c> raw socket: the caller supplies whole IP packets, the kernel routes them. IPv4 uses
/// <c>socket(AF_INET, SOCK_RAW, IPPROTO_RAW)</c>, which implies IP_HDRINCL; IPv6 uses the same on AF_INET6.
/// </summary>
public sealed class RawIpSocket : IDisposable
{
    private readonly SafeFileDescriptor _fd;

    private RawIpSocket(SafeFileDescriptor fd, bool ipv6)
    {
        _fd = fd;
        IsIPv6 = ipv6;
    }

    public bool IsIPv6 { get; }

    public static unsafe RawIpSocket Open(bool ipv6, int sendBufferBytes = 4 << 20)
    {
        var domain = ipv6 ? Interop.Libc.AF_INET6 : Interop.Libc.AF_INET;
        var fd = Interop.Libc.Socket(domain, Interop.Libc.SOCK_RAW | Interop.Libc.SOCK_CLOEXEC | Interop.Libc.SOCK_NONBLOCK, Interop.Libc.IPPROTO_RAW);
        var handle = Interop.CheckIo(new SafeFileDescriptor(fd), ipv6 ? "socket(AF_INET6, SOCK_RAW, IPPROTO_RAW)" : "socket(AF_INET, SOCK_RAW, IPPROTO_RAW)");
        if (!ipv6)
        {
            var one = 1;
            Interop.CheckIo(Interop.Libc.SetSockOpt(handle, Interop.Libc.IPPROTO_IP, Interop.Libc.IP_HDRINCL, &one, sizeof(int)), "setsockopt(IPPROTO_IP, IP_HDRINCL)");
        }
        // A deep send buffer absorbs bursts (a whole keep-alive window of copies) without EAGAIN; FORCE needs CAP_NET_ADMIN, so fall back.
        var size = sendBufferBytes;
        if (Interop.Libc.SetSockOpt(handle, Interop.Libc.SOL_SOCKET, Interop.Libc.SO_SNDBUFFORCE, &size, sizeof(int)) != 0)
        {
            Interop.Libc.SetSockOpt(handle, Interop.Libc.SOL_SOCKET, Interop.Libc.SO_SNDBUF, &size, sizeof(int));
        }
        return new RawIpSocket(handle, ipv6);
    }

    /// <summary>Sends one IPv4 packet to <paramref name="destinationHostOrder"/>. Returns 0 or the errno; never throws.</summary>
    public unsafe int SendV4(ReadOnlySpan<byte> packet, uint destinationHostOrder)
    {
        // struct sockaddr_in: family(2) port(2) addr(4) zero(8).
        var address = stackalloc byte[16];
        new Span<byte>(address, 16).Clear();
        *(ushort*)address = Interop.Libc.AF_INET;
        BinaryPrimitives.WriteUInt32BigEndian(new Span<byte>(address + 4, 4), destinationHostOrder);
        fixed (byte* p = packet)
        {
            var sent = Interop.Libc.SendTo(_fd, p, (nuint)packet.Length, Interop.Libc.MSG_DONTWAIT, address, 16);
            return sent < 0 ? System.Runtime.InteropServices.Marshal.GetLastPInvokeError() : 0;
        }
    }

    /// <summary>Sends one IPv6 packet (with its header) to the 16-byte <paramref name="destination"/>. Returns 0 or the errno.</summary>
    public unsafe int SendV6(ReadOnlySpan<byte> packet, ReadOnlySpan<byte> destination)
    {
        // struct sockaddr_in6: family(2) port(2) flowinfo(4) addr(16) scope(4).
        var address = stackalloc byte[28];
        new Span<byte>(address, 28).Clear();
        *(ushort*)address = Interop.Libc.AF_INET6;
        destination[..16].CopyTo(new Span<byte>(address + 8, 16));
        fixed (byte* p = packet)
        {
            var sent = Interop.Libc.SendTo(_fd, p, (nuint)packet.Length, Interop.Libc.MSG_DONTWAIT, address, 28);
            return sent < 0 ? System.Runtime.InteropServices.Marshal.GetLastPInvokeError() : 0;
        }
    }

    /// <summary>sendmmsg over prepared headers; returns how many were sent, or -1 with the errno of the first one.</summary>
    internal unsafe int SendMany(Interop.Libc.MMsgHdr* headers, uint count) =>
        Interop.Libc.SendMmsg(_fd, headers, count, Interop.Libc.MSG_DONTWAIT);

    public void Dispose() => _fd.Dispose();
}
