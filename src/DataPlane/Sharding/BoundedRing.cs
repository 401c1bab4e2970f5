using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace TcpShadow.DataPlane.Sharding;

/// <summary>
/// A bounded multi-producer, single-consumer ring of structs (Vyukov's bounded queue: a sequence number per slot).
/// </summary>
/// <remarks>
/// Liveness contract: <see cref="TryEnqueue"/> never blocks and never allocates; it returns false when the ring is
/// full and the caller counts a drop. Any number of threads may enqueue; exactly one thread dequeues. An item is
/// visible to the consumer once its producer's <c>Volatile.Write</c> of the slot sequence completes; a producer
/// descheduled between claiming and publishing a slot delays only the items behind it, never loses them.
/// </remarks>
public sealed class BoundedRing<T>
    where T : struct
{
    private readonly Slot[] _slots;
    private readonly int _mask;
    private Indices _indices;

    public BoundedRing(int capacityPowerOfTwo)
    {
        if (capacityPowerOfTwo < 2 || (capacityPowerOfTwo & (capacityPowerOfTwo - 1)) != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(capacityPowerOfTwo), capacityPowerOfTwo, "Ring capacity must be a power of two of at least 2.");
        }
        _slots = new Slot[capacityPowerOfTwo];
        for (var i = 0; i < _slots.Length; i++)
        {
            _slots[i].Sequence = i;
        }
        _mask = capacityPowerOfTwo - 1;
    }

    public int Capacity => _slots.Length;

    /// <summary>Items enqueued and not yet dequeued; approximate while producers run.</summary>
    public int Count => (int)(Volatile.Read(ref _indices.Tail) - Volatile.Read(ref _indices.Head));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool TryEnqueue(in T item)
    {
        var slots = _slots;
        while (true)
        {
            var tail = Volatile.Read(ref _indices.Tail);
            ref var slot = ref slots[tail & _mask];
            var sequence = Volatile.Read(ref slot.Sequence);
            var diff = sequence - tail;
            if (diff == 0)
            {
                if (Interlocked.CompareExchange(ref _indices.Tail, tail + 1, tail) == tail)
                {
                    slot.Item = item;
                    Volatile.Write(ref slot.Sequence, tail + 1);
                    return true;
                }
            }
            else if (diff < 0)
            {
                // The slot still holds an item one lap behind: the ring is full.
                return false;
            }
            // Another producer claimed this tail; retry with the fresh one.
        }
    }

    /// <summary>Single consumer only.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool TryDequeue(out T item)
    {
        var head = _indices.Head;
        ref var slot = ref _slots[head & _mask];
        if (Volatile.Read(ref slot.Sequence) != head + 1)
        {
            item = default;
            return false;
        }
        item = slot.Item;
        slot.Item = default;
        Volatile.Write(ref slot.Sequence, head + _slots.Length);
        _indices.Head = head + 1;
        return true;
    }

    private struct Slot
    {
        public long Sequence;
        public T Item;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct Indices
    {
        public CacheLinePadding Pad0;
        public long Head;
        public CacheLinePadding Pad1;
        public long Tail;
        public CacheLinePadding Pad2;
    }
}
