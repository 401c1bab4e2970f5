using System.Diagnostics;
using TcpShadow.DataPlane.Capture;
using TcpShadow.DataPlane.Packets;
using TcpShadow.DataPlane.Sending;
using TcpShadow.DataPlane.Sessions;
using TcpShadow.Interop;

namespace TcpShadow.DataPlane.Sharding;

/// <summary>
/// One worker: a dedicated thread that owns a capture source, a session engine and its sender, and drains the responses
/// intercept routed to it. Nothing here is shared with other shards.
/// </summary>
public sealed class Shard<TSource, TSender>
    where TSource : struct, ICaptureSource
    where TSender : struct, IPacketSender
{
    // Captures and responses get equal batches. A capture drop is a lost request for good, a queued response only
    // latency: 4096 responses per 256 captures starved the capture ring into kernel drops (15 k at 8.5 k conn/s).
    private const int BatchSize = 512;
    private const int ResponseBatchSize = 512;
    // Wake at least this often (ns) to notice a stop request without a signal.
    private const long MaxSleepNs = 100_000_000;

    private readonly SessionEngine<TSender> _engine;
    private readonly ShardResponseSink _responses;
    private readonly int _index;
    private TSource _source;
    private volatile bool _stop;
    private Thread? _thread;

    public Shard(int index, TSource source, SessionEngine<TSender> engine, ShardResponseSink responses)
    {
        _index = index;
        _source = source;
        _engine = engine;
        _responses = responses;
    }

    public SessionEngine<TSender> Engine => _engine;

    /// <summary>Set when the loop died of an unexpected fault; the host stops loudly.</summary>
    public Exception? Fault { get; private set; }

    public event Action<Exception>? Faulted;

    public static long NowUs() => Stopwatch.GetTimestamp() / (Stopwatch.Frequency / 1_000_000);

    public void Start()
    {
        _thread = new Thread(static state => ((Shard<TSource, TSender>)state!).Run())
        {
            IsBackground = true,
            Name = $"tsh-shard-{_index}",
        };
        _thread.UnsafeStart(this);
    }

    public void Stop()
    {
        _stop = true;
        _responses.Signal.Signal();
        _thread?.Join();
    }

    private void Run()
    {
        try
        {
            Loop();
        }
        catch (Exception e)
        {
            Fault = e;
            Faulted?.Invoke(e);
        }
    }

    private void Loop()
    {
        var handler = new EngineFrameHandler(_engine, _source.LinkType);
        while (!_stop)
        {
            var now = NowUs();
            handler.NowUs = now;
            var captured = _source.Drain(ref handler, BatchSize);
            var responses = 0;
            while (responses < ResponseBatchSize && _responses.TryTake(out var slot))
            {
                _engine.OnResponse(((ReadOnlySpan<byte>)slot.Data)[..slot.Length], now);
                responses++;
            }
            _engine.FlushAcks(now);
            now = NowUs();
            // An RTO that fires while the answer waits in our own ring is spurious: under saturation such SYN
            // retransmits (answered by more SYN-ACKs) were measured feeding a storm (46 k SYN retransmits for 50 k
            // connections, and lost sessions). Other timers (delayed ACKs, the request gate, linger) still run.
            _engine.HoldRetransmits = !_responses.IsEmpty;
            _engine.OnTimer(now);
            _engine.FlushSends();
            if (captured == 0 && responses == 0)
            {
                // An offline source has no fd: it says when its next frame is due.
                var wait = Math.Min(_engine.NextDeadline, _source.NextDueUs);
                var timeoutNs = wait == long.MaxValue ? MaxSleepNs : Math.Clamp((wait - now) * 1000, 0, MaxSleepNs);
                if (timeoutNs > 0 && _responses.BeginSleep())
                {
                    var ready = Poller.Wait(_source.PollFd, _responses.Signal.Fd, timeoutNs);
                    _responses.EndSleep((ready & 2) != 0);
                }
            }
        }
    }

    private struct EngineFrameHandler : IFrameHandler
    {
        private readonly SessionEngine<TSender> _engine;
        private readonly LinkType _linkType;
        public long NowUs;

        public EngineFrameHandler(SessionEngine<TSender> engine, LinkType linkType)
        {
            _engine = engine;
            _linkType = linkType;
            NowUs = 0;
        }

        public readonly void OnFrame(ReadOnlySpan<byte> frame, long captureUs) => _engine.OnCapturedFrame(_linkType, frame, NowUs, captureUs);
    }
}
