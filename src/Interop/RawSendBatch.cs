using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace TcpShadow.Interop;

/// <summary>
/// IPv4 packets queued for one <c>sendmmsg</c> on a raw socket. One system call per shard iteration instead of one per
/// packet: on the replay box the return from each <c>sendto</c> was a preemption point (the target's wake-ups ran
/// first), measured as the largest share of the shard's system time.
/// </summary>
public sealed unsafe class RawSendBatch : IDisposable
{
    /// <summary>Packets per system call.</summary>
    public const int Capacity = 64;

    private const int ArenaBytes = 256 * 1024;

    private readonly RawIpSocket _socket;
    private readonly byte* _arena;
    private readonly Interop.Libc.MMsgHdr* _headers;
    private readonly Interop.Libc.IoVec* _vectors;
    private readonly byte* _addresses;
    private int _count;
    private int _used;

    public RawSendBatch(RawIpSocket socket)
    {
        _socket = socket;
        _arena = (byte*)NativeMemory.AlignedAlloc(ArenaBytes, 64);
        _headers = (Interop.Libc.MMsgHdr*)NativeMemory.AllocZeroed(Capacity, (nuint)sizeof(Interop.Libc.MMsgHdr));
        _vectors = (Interop.Libc.IoVec*)NativeMemory.AllocZeroed(Capacity, (nuint)sizeof(Interop.Libc.IoVec));
        _addresses = (byte*)NativeMemory.AllocZeroed(Capacity * 16);
    }

    public int Count => _count;

    /// <summary>Queues a copy of <paramref name="packet"/>; false when the batch is full (flush, then queue again).</summary>
    public bool TryAdd(ReadOnlySpan<byte> packet, uint destinationHostOrder)
    {
        if (_count == Capacity || _used + packet.Length > ArenaBytes)
        {
            return false;
        }
        var data = _arena + _used;
        packet.CopyTo(new Span<byte>(data, packet.Length));
        _used += (packet.Length + 7) & ~7;
        var address = _addresses + (_count * 16);
        *(ushort*)address = 2; // AF_INET
        BinaryPrimitives.WriteUInt32BigEndian(new Span<byte>(address + 4, 4), destinationHostOrder);
        _vectors[_count] = new Interop.Libc.IoVec { Base = data, Length = (nuint)packet.Length };
        _headers[_count] = new Interop.Libc.MMsgHdr { Name = address, NameLength = 16, Iov = _vectors + _count, IovLength = 1 };
        _count++;
        return true;
    }

    private int _failed;
    private int _lastErrno;

    /// <summary>Sends every queued packet; failures are kept for <see cref="TakeFailures"/>.</summary>
    public void Flush()
    {
        var next = 0;
        while (next < _count)
        {
            var sent = _socket.SendMany(_headers + next, (uint)(_count - next));
            if (sent < 0)
            {
                // The first remaining packet failed: count it and go on with the rest.
                _lastErrno = Marshal.GetLastPInvokeError();
                _failed++;
                next++;
                continue;
            }
            next += sent;
        }
        _count = 0;
        _used = 0;
    }

    /// <summary>Packets that failed since the last call, and the errno of the last of them.</summary>
    public int TakeFailures(out int lastErrno)
    {
        lastErrno = _lastErrno;
        var failed = _failed;
        _failed = 0;
        return failed;
    }

    public void Dispose()
    {
        NativeMemory.AlignedFree(_arena);
        NativeMemory.Free(_headers);
        NativeMemory.Free(_vectors);
        NativeMemory.Free(_addresses);
    }
}
