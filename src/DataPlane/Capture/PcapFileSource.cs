using System.Diagnostics;
using TcpShadow.DataPlane.Packets;

namespace TcpShadow.DataPlane.Capture;

/// <summary>
/// Offline replay of a pcap or pcapng file (TCPCopy's offline mode): each frame is yielded when its due time comes,
/// keeping the capture's inter-packet gaps relative to the start, divided by the speed factor and with idle gaps cut.
/// There is no fd to poll (<see cref="PollFd"/> is -1); the shard sleeps until <see cref="NextDueUs"/> instead.
/// A frame's capture time is handed on as its due time, so the engine's think-time pacing scales with the replay.
/// </summary>
public readonly struct PcapFileSource : ICaptureSource, IDisposable
{
    private static readonly LinkType[] s_supported = [LinkType.Ethernet, LinkType.LinuxSll, LinkType.LinuxSll2, LinkType.Raw, LinkType.RawAlt, LinkType.Ipv4, LinkType.Ipv6];

    private readonly PcapFileReader _reader;
    private readonly ReplayState _state;

    private PcapFileSource(PcapFileReader reader, ReplayState state)
    {
        _reader = reader;
        _state = state;
        // Interfaces of several link types are cut down to their IP packets so one link type reaches the engine.
        LinkType = reader.MixedLinkTypes ? LinkType.Raw : reader.FileLinkType;
    }

    public LinkType LinkType { get; }

    public int PollFd => -1;

    /// <summary>When the next frame is due, in the clock's microseconds; long.MaxValue once the replay is over.</summary>
    public long NextDueUs => _state.Pending && _state.Started ? _state.StartUs + (long)_state.PendingVirtualUs : long.MaxValue;

    /// <summary>True once every loop has been read (or a corrupt record stopped the read); set on the shard thread.</summary>
    public bool Finished => Volatile.Read(ref _state.Finished);

    /// <summary>Why the read stopped early (file and byte offset), or null.</summary>
    public string? Error => _state.Error;

    public long FramesReplayed => Volatile.Read(ref _state.FramesReplayed);

    /// <summary>Frames whose link type differed from the file's and could not be cut to an IP packet.</summary>
    public long FramesSkipped => Volatile.Read(ref _state.FramesSkipped);

    public string Path => _reader.Path;

    /// <summary>The default clock: monotonic microseconds, the same clock the shard loop uses.</summary>
    public static long MonotonicUs() => Stopwatch.GetTimestamp() / (Stopwatch.Frequency / 1_000_000);

    /// <summary>Opens <paramref name="path"/>; throws <see cref="ArgumentException"/> with the fix when it cannot be replayed.</summary>
    public static PcapFileSource Open(string path, PcapReplayOptions options, Func<long>? clock = null)
    {
        PcapFileReader reader;
        try
        {
            reader = PcapFileReader.Open(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException)
        {
            throw new ArgumentException($"-i/--input-file: cannot replay '{path}': {e.Message}. Give a pcap or pcapng file, e.g. one written by tcpdump -w.", e);
        }
        if (Array.IndexOf(s_supported, reader.FileLinkType) < 0)
        {
            reader.Dispose();
            throw new ArgumentException($"-i/--input-file: '{path}' has link type {(int)reader.FileLinkType}, which is not supported. Capture with Ethernet, Linux cooked (SLL/SLL2) or raw IP framing (tcpdump -y).");
        }
        var state = new ReplayState(options, clock ?? MonotonicUs);
        var source = new PcapFileSource(reader, state);
        source.LoadNext();
        return source;
    }

    public int Drain<THandler>(ref THandler handler, int max)
        where THandler : struct, IFrameHandler
    {
        var state = _state;
        var now = state.Clock();
        if (!state.Started)
        {
            state.Started = true;
            state.StartUs = now;
        }
        var count = 0;
        for (var budget = max; budget > 0 && state.Pending; budget--)
        {
            var due = state.StartUs + (long)state.PendingVirtualUs;
            if (due > now)
            {
                break;
            }
            var frame = _reader.Frame;
            if (_reader.LinkType == LinkType || TryCutToIp(ref frame))
            {
                handler.OnFrame(frame, due);
                state.FramesReplayed++;
                count++;
            }
            else
            {
                state.FramesSkipped++;
            }
            LoadNext();
        }
        return count;
    }

    private bool TryCutToIp(ref ReadOnlySpan<byte> frame)
    {
        if (LinkType != LinkType.Raw || PacketParser.Parse(_reader.LinkType, frame, out var layout) != Packets.DropReason.None || layout.Outgoing)
        {
            return false;
        }
        frame = frame[layout.IpOffset..];
        return true;
    }

    /// <summary>Reads the next record (rewinding between loops) and computes its virtual due time.</summary>
    private void LoadNext()
    {
        var state = _state;
        state.Pending = false;
        var status = _reader.ReadNext();
        while (status == PcapReadStatus.End && state.LoopsLeft > 1)
        {
            state.LoopsLeft--;
            _reader.Rewind();
            state.HasPrevious = false;
            status = _reader.ReadNext();
        }
        if (status != PcapReadStatus.Record)
        {
            state.Error = _reader.Error;
            Volatile.Write(ref state.Finished, true);
            return;
        }
        var captureUs = _reader.TimestampUs;
        if (state.HasPrevious)
        {
            // Out-of-order timestamps replay at once; gaps past the idle limit are cut to it.
            var gap = Math.Clamp(captureUs - state.PreviousCaptureUs, 0, state.IdleGapUs);
            state.PendingVirtualUs += gap / state.Speed;
        }
        state.PreviousCaptureUs = captureUs;
        state.HasPrevious = true;
        state.Pending = true;
    }

    public void Dispose() => _reader.Dispose();

    /// <summary>The replay's mutable state, shared by every copy of the struct (the host reads the counters).</summary>
    private sealed class ReplayState
    {
        public readonly Func<long> Clock;
        public readonly double Speed;
        public readonly long IdleGapUs;
        public int LoopsLeft;
        public bool Started;
        public long StartUs;
        public bool Pending;
        public double PendingVirtualUs;
        public bool HasPrevious;
        public long PreviousCaptureUs;
        public bool Finished;
        public string? Error;
        public long FramesReplayed;
        public long FramesSkipped;

        public ReplayState(PcapReplayOptions options, Func<long> clock)
        {
            Clock = clock;
            Speed = options.Speed;
            IdleGapUs = options.IdleGap is { } gap ? (long)(gap.Ticks / TimeSpan.TicksPerMicrosecond) : long.MaxValue;
            LoopsLeft = options.Loops;
        }
    }
}
