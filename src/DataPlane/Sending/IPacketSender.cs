using TcpShadow.DataPlane.Packets;

namespace TcpShadow.DataPlane.Sending;

/// <summary>
/// Puts one finished IP packet (header included, checksums set) on the wire towards <paramref name="destination"/>.
/// Shards are generic over a struct implementing this, so the call devirtualizes.
/// </summary>
public interface IPacketSender
{
    /// <summary>Returns 0 when the packet was handed to the kernel (or queued for <see cref="Flush"/>), else the errno; never throws.</summary>
    int Send(ReadOnlySpan<byte> ipPacket, in FlowAddress destination);

    /// <summary>Sends what <see cref="Send"/> queued; returns how many of those failed, with the last errno. Never throws.</summary>
    int Flush(out int lastErrno);
}
