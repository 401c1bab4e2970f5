using System.Buffers;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace TcpShadow.LoadGen;

/// <summary>
/// Open-loop load: new connections are started on a fixed schedule (rate per second) whatever
/// the server's latency, so a slow server sees the arrival rate a real crowd would produce.
/// Bounded by duration × rate connections and by <see cref="OpenLoopOptions.MaxInFlight"/>:
/// a start due while that many are open is counted as skipped, not queued.
/// </summary>
internal sealed class OpenLoop
{
    // Linux: defer the source-port choice from bind() to connect(), so ports are unique per
    // 4-tuple rather than per source address (IP_BIND_ADDRESS_NO_PORT, linux/in.h).
    private const int IpBindAddressNoPort = 24;
    private static readonly byte[] s_ok = "HTTP/1.1 200"u8.ToArray();

    private readonly OpenLoopOptions _options;
    private long _sent;
    private long _ok;
    private long _failed;
    private long _timeouts;
    private long _skipped;
    private long _inFlight;
    private int _errorsPrinted;

    private OpenLoop(OpenLoopOptions options) => _options = options;

    public static async Task<int> RunAsync(OpenLoopOptions options)
    {
        var loop = new OpenLoop(options);
        var clock = Stopwatch.StartNew();
        var pacer = new Thread(static s => ((OpenLoop)s!).Pace()) { IsBackground = true, Name = "loadgen-pacer" };
        pacer.Start(loop);
        await Task.Run(pacer.Join);

        // Let in-flight connections finish, bounded by one timeout (plus slack).
        var drainUntil = clock.Elapsed + TimeSpan.FromMilliseconds(options.TimeoutMs + 1_000);
        while (Interlocked.Read(ref loop._inFlight) > 0 && clock.Elapsed < drainUntil)
        {
            await Task.Delay(20);
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"sent={loop._sent} ok={loop._ok} failed={loop._failed} timeouts={loop._timeouts} skipped={loop._skipped} inflight={Interlocked.Read(ref loop._inFlight)} elapsed_s={clock.Elapsed.TotalSeconds:F2}"));
        return 0;
    }

    private void Pace()
    {
        var total = (long)_options.Rate * _options.DurationSeconds;
        var clock = Stopwatch.StartNew();
        long started = 0;
        while (started < total)
        {
            var due = Math.Min(total, (long)(clock.Elapsed.TotalSeconds * _options.Rate));
            for (; started < due; started++)
            {
                if (Interlocked.Read(ref _inFlight) >= _options.MaxInFlight)
                {
                    _skipped++;
                    continue;
                }

                Interlocked.Increment(ref _inFlight);
                _ = OneAsync(started);
            }

            Thread.Sleep(1);
        }
    }

    private async Task OneAsync(long seq)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(2048);
        using var cts = new CancellationTokenSource(_options.TimeoutMs);
        var target = _options.Target;
        var bind = _options.Bind[(int)(seq % _options.Bind.Length)];
        Socket? socket = null;
        try
        {
            socket = new Socket(target.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            if (target.AddressFamily == AddressFamily.InterNetwork)
            {
                socket.SetRawSocketOption((int)SocketOptionLevel.IP, IpBindAddressNoPort, BitConverter.GetBytes(1));
            }

            socket.Bind(new IPEndPoint(bind, 0));
            await socket.ConnectAsync(target, cts.Token);
            var request = Encoding.ASCII.GetBytes(
                $"GET /r/{_options.Prefix}-{seq} HTTP/1.1\r\nHost: {target}\r\nConnection: close\r\n\r\n");
            Interlocked.Increment(ref _sent);
            await socket.SendAsync(request, SocketFlags.None, cts.Token);

            // Read to EOF: the server closes after the response (Connection: close).
            var length = 0;
            while (true)
            {
                var n = await socket.ReceiveAsync(buffer.AsMemory(Math.Min(length, 1024)), SocketFlags.None, cts.Token);
                if (n == 0)
                {
                    break;
                }

                length = Math.Min(length + n, 1024);
            }

            if (buffer.AsSpan(0, length).StartsWith(s_ok))
            {
                Interlocked.Increment(ref _ok);
            }
            else
            {
                Interlocked.Increment(ref _failed);
                Report($"unexpected response ({length} bytes)");
            }
        }
        catch (OperationCanceledException)
        {
            Interlocked.Increment(ref _timeouts);
        }
        catch (SocketException ex)
        {
            Interlocked.Increment(ref _failed);
            Report($"{ex.SocketErrorCode} from {bind}");
        }
        finally
        {
            socket?.Dispose();
            ArrayPool<byte>.Shared.Return(buffer);
            Interlocked.Decrement(ref _inFlight);
        }
    }

    private void Report(string what)
    {
        // The first few errors say why; the counters say how many.
        if (Interlocked.Increment(ref _errorsPrinted) <= 5)
        {
            Console.Error.WriteLine($"loadgen: {what}");
        }
    }
}
