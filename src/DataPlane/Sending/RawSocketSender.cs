using TcpShadow.DataPlane.Packets;
using TcpShadow.Interop;

namespace TcpShadow.DataPlane.Sending;

/// <summary>Sends through <c>IP_HDRINCL</c> raw sockets (TCPCopy's default output), one per address family, opened lazily.</summary>
public struct RawSocketSender : IPacketSender, IDisposable
{
    private RawIpSocket? _v4;
    private RawSendBatch? _batch;
    private RawIpSocket? _v6;

    public static RawSocketSender Open(bool ipv4, bool ipv6)
    {
        var v4 = ipv4 ? RawIpSocket.Open(ipv6: false) : null;
        return new RawSocketSender
        {
            _v4 = v4,
            _batch = v4 is null ? null : new RawSendBatch(v4),
            _v6 = ipv6 ? RawIpSocket.Open(ipv6: true) : null,
        };
    }

    /// <summary>IPv4 packets are queued and leave in one sendmmsg per shard iteration (<see cref="Flush"/>).</summary>
    public readonly int Send(ReadOnlySpan<byte> ipPacket, in FlowAddress destination)
    {
        if (destination.IsIPv4)
        {
            if (_batch is null)
            {
                return Errno.EINVAL;
            }
            if (!_batch.TryAdd(ipPacket, destination.V4))
            {
                _batch.Flush();
                _batch.TryAdd(ipPacket, destination.V4);
            }
            return 0;
        }
        if (_v6 is null)
        {
            return Errno.EINVAL;
        }
        Span<byte> address = stackalloc byte[16];
        destination.Write16(address);
        return _v6.SendV6(ipPacket, address);
    }

    public readonly int Flush(out int lastErrno)
    {
        if (_batch is null)
        {
            lastErrno = 0;
            return 0;
        }
        _batch.Flush();
        return _batch.TakeFailures(out lastErrno);
    }

    public void Dispose()
    {
        _batch?.Dispose();
        _v4?.Dispose();
        _v6?.Dispose();
    }
}
