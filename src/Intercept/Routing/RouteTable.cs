using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using TcpShadow.DataPlane.Packets;

namespace TcpShadow.Intercept.Routing;

/// <summary>
/// Maps a target-side tuple (fake client address and port, target address and port) to the replicator peer that
/// registered it, and parks SYN-ACKs and RSTs that beat their registration.
/// </summary>
/// <remarks>
/// Single-threaded: the capture thread owns the table and applies registrations it receives through a ring, so the
/// per-response lookup takes no lock. Time is passed in (milliseconds of any monotonic clock), which makes the clock
/// injectable. Counters are plain fields written only by the owner; other threads may read them for statistics.
/// </remarks>
public sealed class RouteTable
{
    private const int ChunkSlots = 1024;

    private readonly Dictionary<FlowKey, RouteEntry> _routes = [];
    private readonly Dictionary<FlowKey, ParkedList> _parked = [];
    private readonly ParkedSlot[] _slots;
    private readonly byte[]?[] _chunks;
    private readonly int _slotSize;
    private readonly long _ttlMs;
    private readonly long _parkTimeoutMs;
    private readonly long _sweepIntervalMs;
    private int _freeHead = -1;
    private int _neverUsed;
    private long _lastSweepMs;

    public RouteTable(RouteTableOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.ParkCapacity, 0);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxRecordLength, 40);
        _ttlMs = (long)options.RouteTtl.TotalMilliseconds;
        _parkTimeoutMs = (long)options.ParkTimeout.TotalMilliseconds;
        // Sweep idle routes a few times per TTL, at most once a second: the sweep walks the whole map.
        _sweepIntervalMs = Math.Clamp(_ttlMs / 4, 1, 1000);
        _slotSize = options.MaxRecordLength;
        _slots = new ParkedSlot[options.ParkCapacity];
        _chunks = new byte[]?[(options.ParkCapacity + ChunkSlots - 1) / ChunkSlots];
    }

    public int Count => _routes.Count;

    public int ParkedCount { get; private set; }

    public long Registered { get; private set; }

    public long Unregistered { get; private set; }

    public long Routed { get; private set; }

    public long Parked { get; private set; }

    public long ParkedDelivered { get; private set; }

    public long ParkOverflow { get; private set; }

    public long ParkExpired { get; private set; }

    public long Unroutable { get; private set; }

    public long Expired { get; private set; }

    /// <summary>Adds or moves a route (the latest registration wins). True when the tuple had no route.</summary>
    public bool Add(in FlowKey key, int peerId, long nowMs)
    {
        Registered++;
        ref var route = ref CollectionsMarshal.GetValueRefOrAddDefault(_routes, key, out var existed);
        route.PeerId = peerId;
        route.LastUsedMs = nowMs;
        return !existed;
    }

    /// <summary>Removes a route if <paramref name="peerId"/> owns it; another peer's newer registration stays.</summary>
    public bool Remove(in FlowKey key, int peerId)
    {
        ref var route = ref CollectionsMarshal.GetValueRefOrNullRef(_routes, key);
        if (Unsafe.IsNullRef(ref route) || route.PeerId != peerId)
        {
            return false;
        }
        _routes.Remove(key);
        Unregistered++;
        return true;
    }

    /// <summary>Removes every route of a peer (it disconnected). O(routes); disconnects are rare.</summary>
    public int RemovePeer(int peerId)
    {
        var removed = 0;
        foreach (var (key, route) in _routes)
        {
            if (route.PeerId == peerId)
            {
                _routes.Remove(key);
                removed++;
            }
        }
        return removed;
    }

    public bool TryGetPeer(in FlowKey key, out int peerId)
    {
        if (_routes.TryGetValue(key, out var route))
        {
            peerId = route.PeerId;
            return true;
        }
        peerId = 0;
        return false;
    }

    /// <summary>
    /// Routes one response. With a route, refreshes its idle timer and returns its peer. Without one, parks a copy of
    /// <paramref name="record"/> when <paramref name="parkable"/> (SYN-ACK or RST).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public RouteResult Route(in FlowKey key, ReadOnlySpan<byte> record, long timestampNs, bool parkable, long nowMs, out int peerId)
    {
        ref var route = ref CollectionsMarshal.GetValueRefOrNullRef(_routes, key);
        if (!Unsafe.IsNullRef(ref route))
        {
            route.LastUsedMs = nowMs;
            peerId = route.PeerId;
            Routed++;
            return RouteResult.Routed;
        }
        peerId = 0;
        if (!parkable)
        {
            Unroutable++;
            return RouteResult.Unroutable;
        }
        return Park(key, record, timestampNs, nowMs);
    }

    /// <summary>
    /// Takes the oldest response parked for <paramref name="key"/>. The returned span stays valid until the next
    /// call that parks; deliver (copy) it before routing the next packet.
    /// </summary>
    public bool TryTakeParked(in FlowKey key, out long timestampNs, out ReadOnlySpan<byte> record)
    {
        ref var list = ref CollectionsMarshal.GetValueRefOrNullRef(_parked, key);
        if (Unsafe.IsNullRef(ref list))
        {
            timestampNs = 0;
            record = default;
            return false;
        }
        var index = list.Head;
        ref var slot = ref _slots[index];
        timestampNs = slot.TimestampNs;
        record = SlotBytes(index)[..slot.Length];
        if (slot.Next < 0)
        {
            _parked.Remove(key);
        }
        else
        {
            list.Head = slot.Next;
        }
        FreeSlot(index);
        ParkedDelivered++;
        return true;
    }

    /// <summary>Drops parked responses older than the park timeout and, every sweep interval, idle routes.</summary>
    public void Expire(long nowMs)
    {
        if (ParkedCount > 0)
        {
            ExpireParked(nowMs);
        }
        if (nowMs - _lastSweepMs < _sweepIntervalMs)
        {
            return;
        }
        _lastSweepMs = nowMs;
        foreach (var (key, route) in _routes)
        {
            if (nowMs - route.LastUsedMs >= _ttlMs)
            {
                _routes.Remove(key);
                Expired++;
            }
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private RouteResult Park(in FlowKey key, ReadOnlySpan<byte> record, long timestampNs, long nowMs)
    {
        if (record.Length > _slotSize || !TryAllocateSlot(out var index))
        {
            ParkOverflow++;
            return RouteResult.ParkFull;
        }
        ref var slot = ref _slots[index];
        slot.TimestampNs = timestampNs;
        slot.ParkedAtMs = nowMs;
        slot.Length = (ushort)record.Length;
        slot.Next = -1;
        record.CopyTo(SlotBytes(index));
        ref var list = ref CollectionsMarshal.GetValueRefOrAddDefault(_parked, key, out var existed);
        if (existed)
        {
            _slots[list.Tail].Next = index;
            list.Tail = index;
        }
        else
        {
            list.Head = index;
            list.Tail = index;
        }
        Parked++;
        return RouteResult.Parked;
    }

    private void ExpireParked(long nowMs)
    {
        foreach (var (key, list) in _parked)
        {
            var head = list.Head;
            // Each key's list is in arrival order, so expiry stops at the first young one.
            while (head >= 0 && nowMs - _slots[head].ParkedAtMs >= _parkTimeoutMs)
            {
                var next = _slots[head].Next;
                FreeSlot(head);
                ParkExpired++;
                head = next;
            }
            if (head < 0)
            {
                _parked.Remove(key);
            }
            else if (head != list.Head)
            {
                CollectionsMarshal.GetValueRefOrNullRef(_parked, key).Head = head;
            }
        }
    }

    private bool TryAllocateSlot(out int index)
    {
        if (_freeHead >= 0)
        {
            index = _freeHead;
            _freeHead = _slots[index].Next;
        }
        else if (_neverUsed < _slots.Length)
        {
            index = _neverUsed++;
            _chunks[index / ChunkSlots] ??= new byte[ChunkSlots * _slotSize];
        }
        else
        {
            index = -1;
            return false;
        }
        ParkedCount++;
        return true;
    }

    private void FreeSlot(int index)
    {
        _slots[index].Next = _freeHead;
        _freeHead = index;
        ParkedCount--;
    }

    private Span<byte> SlotBytes(int index) => _chunks[index / ChunkSlots].AsSpan(index % ChunkSlots * _slotSize, _slotSize);

    private struct RouteEntry
    {
        public int PeerId;
        public long LastUsedMs;
    }

    private struct ParkedList
    {
        public int Head;
        public int Tail;
    }

    private struct ParkedSlot
    {
        public long TimestampNs;
        public long ParkedAtMs;
        public int Next;
        public ushort Length;
    }
}
