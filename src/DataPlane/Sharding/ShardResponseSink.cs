using TcpShadow.DataPlane.Feedback;
using TcpShadow.Interop;

namespace TcpShadow.DataPlane.Sharding;

/// <summary>
/// The intercept channel's way into a shard: a bounded ring of response records plus an eventfd that wakes the shard
/// only when it is asleep, so a busy shard costs producers no syscall.
/// </summary>
public sealed class ShardResponseSink : IResponseSink, IDisposable
{
    private readonly BoundedRing<ResponseSlot> _ring;
    private int _sleeping;
    private long _drops;

    public ShardResponseSink(int capacityPowerOfTwo)
    {
        _ring = new BoundedRing<ResponseSlot>(capacityPowerOfTwo);
        Signal = new EventSignal();
    }

    public EventSignal Signal { get; }

    public long Drops => Volatile.Read(ref _drops);

    public bool IsEmpty => _ring.Count == 0;

    public bool TryDeliver(ReadOnlySpan<byte> ipPacketPrefix, long captureTimestampNs)
    {
        var slot = default(ResponseSlot);
        var length = Math.Min(ipPacketPrefix.Length, ResponseSlot.Capacity);
        ipPacketPrefix[..length].CopyTo(slot.Data);
        slot.Length = length;
        slot.TimestampNs = captureTimestampNs;
        if (!_ring.TryEnqueue(slot))
        {
            Interlocked.Increment(ref _drops);
            return false;
        }
        // Dekker pairing with BeginSleep: the enqueue's CAS is a full fence, so either we see the flag or the shard sees the item.
        if (Volatile.Read(ref _sleeping) != 0)
        {
            Signal.Signal();
        }
        return true;
    }

    public bool TryTake(out ResponseSlot slot) => _ring.TryDequeue(out slot);

    /// <summary>Marks the shard asleep; returns false when records arrived meanwhile and it must not sleep.</summary>
    public bool BeginSleep()
    {
        Interlocked.Exchange(ref _sleeping, 1);
        if (_ring.Count != 0)
        {
            Volatile.Write(ref _sleeping, 0);
            return false;
        }
        return true;
    }

    /// <summary>Marks the shard awake; reads the eventfd only when it fired, sparing a syscall on every timer wake-up.</summary>
    public void EndSleep(bool signaled)
    {
        Volatile.Write(ref _sleeping, 0);
        if (signaled)
        {
            Signal.Drain();
        }
    }

    public void Dispose() => Signal.Dispose();
}
