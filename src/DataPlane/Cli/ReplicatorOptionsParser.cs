using System.Globalization;
using TcpShadow.DataPlane.Metrics;
using TcpShadow.DataPlane.Packets;

namespace TcpShadow.DataPlane.Cli;

/// <summary>TCPCopy-compatible short flags with GNU long forms; every bad value is an <see cref="OptionsException"/> that says the fix.</summary>
public static class ReplicatorOptionsParser
{
    public static ReplicatorOptions Parse(IReadOnlyList<string> args)
    {
        var options = new ReplicatorOptions();
        string? servers = null;
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            string? inline = null;
            if (arg.StartsWith("--", StringComparison.Ordinal))
            {
                var eq = arg.IndexOf('=', StringComparison.Ordinal);
                if (eq > 0)
                {
                    inline = arg[(eq + 1)..];
                    arg = arg[..eq];
                }
            }
            switch (arg)
            {
                case "-h" or "--help":
                    options.ShowHelp = true;
                    break;
                case "-v" or "--version":
                    options.ShowVersion = true;
                    break;
                case "-x" or "--transfer":
                    foreach (var map in Value(args, ref i, arg, inline).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                    {
                        var error = AddressSyntax.TryParseRoute(map, out var route);
                        if (error is not null)
                        {
                            throw new OptionsException($"-x/--transfer: '{map}': {error}. Example: -x 80-198.18.2.2:8080 or -x 198.18.1.1:80-198.18.2.2:80.");
                        }
                        options.Routes.Add(route);
                    }
                    break;
                case "-s" or "--server":
                    servers = Value(args, ref i, arg, inline);
                    break;
                case "-p" or "--intercept-port":
                    options.InterceptPort = Port(Value(args, ref i, arg, inline), "-p/--intercept-port");
                    break;
                case "-c" or "--client-ip":
                    {
                        var text = Value(args, ref i, arg, inline);
                        var error = AddressSyntax.TryParsePool(text, options.ClientAddresses);
                        if (error is not null)
                        {
                            throw new OptionsException($"-c/--client-ip: '{text}': {error}. Examples: -c 198.18.100.0/24, -c 198.18.100.1-198.18.100.50, -c 198.18.100.x.");
                        }
                        break;
                    }
                case "-i" or "--interface":
                    options.Interface = NonEmpty(Value(args, ref i, arg, inline), "-i/--interface", "a device name such as eth0, or 'any'");
                    break;
                case "-F" or "--filter":
                    options.Filter = NonEmpty(Value(args, ref i, arg, inline), "-F/--filter", "a pcap-filter(7) expression such as 'tcp and dst port 80'");
                    break;
                case "-W" or "--no-response-gate":
                    options.Engine.GateRequests = false;
                    break;
                case "-t" or "--session-timeout":
                    options.Engine.SessionTimeout = TimeSpan.FromSeconds(Int(Value(args, ref i, arg, inline), "-t/--session-timeout", 1, 86_400));
                    break;
                case "-k" or "--keepalive-timeout":
                    options.Engine.KeepAliveTimeout = TimeSpan.FromSeconds(Int(Value(args, ref i, arg, inline), "-k/--keepalive-timeout", 1, 864_000));
                    break;
                case "-M" or "--mtu":
                    options.Engine.Mtu = Int(Value(args, ref i, arg, inline), "-M/--mtu", 576, 65535);
                    break;
                case "-l" or "--log":
                    options.LogFile = NonEmpty(Value(args, ref i, arg, inline), "-l/--log", "a file path");
                    break;
                case "--stats-interval":
                    options.StatsIntervalSeconds = Int(Value(args, ref i, arg, inline), "--stats-interval", 0, 3600);
                    break;
                case "--capture-buffer":
                    options.CaptureBufferMiB = Int(Value(args, ref i, arg, inline), "--capture-buffer", 1, 4096);
                    break;
                // Offline replay and dry run.
                case "--input-file":
                    options.InputFile = NonEmpty(Value(args, ref i, arg, inline), "--input-file", "a pcap or pcapng file path");
                    break;
                case "-a" or "--speed":
                    options.Replay.Speed = Double(Value(args, ref i, arg, inline), "-a/--speed", 0.001, 1_000_000, "e.g. -a 4 replays four times faster");
                    break;
                case "-I" or "--idle-gap":
                    options.Replay.IdleGap = TimeSpan.FromSeconds(Double(Value(args, ref i, arg, inline), "-I/--idle-gap", 0, 86_400, "e.g. -I 1 cuts every pause to one second"));
                    break;
                case "-T" or "--loops":
                    options.Replay.Loops = Int(Value(args, ref i, arg, inline), "-T/--loops", 1, 1_000_000);
                    break;
                case "--exit-after-replay":
                    options.ExitAfterReplaySeconds = Int(Value(args, ref i, arg, inline), "--exit-after-replay", 0, 86_400);
                    break;
                case "--dump":
                    options.DumpFile = NonEmpty(Value(args, ref i, arg, inline), "--dump", "a file path for the pcap of what would be sent");
                    break;
                case MetricsEndpoint.Flag:
                    options.MetricsListen = MetricsEndpoint.TryParse(Value(args, ref i, arg, inline), out var metricsListen) is { } metricsError
                        ? throw new OptionsException(metricsError)
                        : metricsListen;
                    break;
                default:
                    throw new OptionsException($"unknown option '{args[i]}'. Run 'tcpshadow --help' for the list of options.");
            }
        }
        if (options.ShowHelp || options.ShowVersion)
        {
            return options;
        }
        if (options.Routes.Count == 0)
        {
            throw new OptionsException("-x/--transfer is required: say which port to copy and where, e.g. -x 80-198.18.2.2:80.");
        }
        ValidateOffline(options, args);
        if (servers is null && options.DumpFile is null)
        {
            throw new OptionsException("-s/--server is required: give the intercept node(s) that capture the target's responses, e.g. -s 198.18.2.3.");
        }
        foreach (var entry in (servers ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!AddressSyntax.TryParseEndpoint(entry, options.InterceptPort, out var address, out var port))
            {
                throw new OptionsException($"-s/--server: '{entry}' is not IP or IP:PORT. Example: -s 198.18.2.3 or -s 198.18.2.3:36524.");
            }
            options.InterceptEndpoints.Add(AddressSyntax.ToEndPoint(address, port));
        }
        if (options.InterceptEndpoints.Count == 0 && servers is not null)
        {
            throw new OptionsException("-s/--server: the list is empty. Example: -s 198.18.2.3.");
        }
        foreach (var route in options.Routes)
        {
            if (options.ClientAddresses.Count > 0 && options.ClientAddresses[0].IsIPv4 != route.TargetAddress.IsIPv4)
            {
                throw new OptionsException($"-c/--client-ip: the pool is {(options.ClientAddresses[0].IsIPv4 ? "IPv4" : "IPv6")} but target {route.TargetAddress} is not. Use one address family.");
            }
        }
        return options;
    }

    private static void ValidateOffline(ReplicatorOptions options, IReadOnlyList<string> args)
    {
        // -i names a device unless it names an existing file (TCPCopy's offline -i).
        if (options.InputFile is null && File.Exists(options.Interface))
        {
            options.InputFile = options.Interface;
        }
        if (options.InputFile is null)
        {
            foreach (var flag in (ReadOnlySpan<string>)["-a", "--speed", "-I", "--idle-gap", "-T", "--loops", "--exit-after-replay"])
            {
                if (args.Contains(flag) || args.Any(a => a.StartsWith(flag + "=", StringComparison.Ordinal)))
                {
                    throw new OptionsException($"{flag} paces an offline replay, but no file is given. Add -i FILE (an existing pcap/pcapng file) or --input-file FILE.");
                }
            }
            return;
        }
        if (!File.Exists(options.InputFile))
        {
            throw new OptionsException($"--input-file: '{options.InputFile}' does not exist. Give a pcap or pcapng file, e.g. one written by tcpdump -w.");
        }
        if (options.Filter is not null)
        {
            throw new OptionsException($"-F/--filter: '{options.Filter}' is not applied to an offline replay; the -x maps pick the packets. Drop -F, or filter the file first (tcpdump -r IN -w OUT 'EXPR').");
        }
    }

    private static double Double(string value, string flag, double min, double max, string example)
    {
        if (!double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var n) || !(n >= min && n <= max))
        {
            throw new OptionsException($"{flag}: '{value}' is out of range; use a number from {min.ToString(CultureInfo.InvariantCulture)} to {max.ToString(CultureInfo.InvariantCulture)} ({example}).");
        }
        return n;
    }

    private static string Value(IReadOnlyList<string> args, ref int i, string flag, string? inline)
    {
        if (inline is not null)
        {
            return inline;
        }
        if (i + 1 >= args.Count)
        {
            throw new OptionsException($"{flag} needs a value. Run 'tcpshadow --help' for examples.");
        }
        return args[++i];
    }

    private static string NonEmpty(string value, string flag, string expected) =>
        string.IsNullOrWhiteSpace(value) ? throw new OptionsException($"{flag}: the value is empty; give {expected}.") : value;

    private static int Port(string value, string flag) =>
        AddressSyntax.TryParsePort(value, out var port) ? port : throw new OptionsException($"{flag}: '{value}' is not a port; use 1-65535.");

    private static int Int(string value, string flag, int min, int max)
    {
        if (!int.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n) || n < min || n > max)
        {
            throw new OptionsException($"{flag}: '{value}' is out of range; use a whole number from {min} to {max}.");
        }
        return n;
    }

    public const string Help = """
        tcpshadow - copy live TCP sessions to a test server, with full TCP session simulation

        Usage: tcpshadow -x MAP[,MAP...] -s INTERCEPT[,INTERCEPT...] [options]

          -x, --transfer MAP        [ONLINE_IP:]PORT-TARGET_IP:PORT; copy what clients send to PORT (on ONLINE_IP)
                                    to TARGET_IP:PORT. Several maps: comma-separated.
          -s, --server HOST[:PORT]  tcpshadow-intercept node(s) that capture the target's responses (port 36524).
          -p, --intercept-port PORT default port for -s entries (36524).
          -c, --client-ip POOL      rewrite client addresses into POOL: CIDR, FIRST-LAST, a.b.c.x or a list.
                                    The target must route POOL to the intercept host.
          -i, --interface IF        capture device (default: any).
          -F, --filter EXPR         pcap filter (default: built from -x, never matching our own copies).
          -W, --no-response-gate    send each request as soon as it is captured, without waiting for the
                                    target's previous response (pipelining protocols).
          -t, --session-timeout S   drop a session after S seconds without progress from the target (120).
          -k, --keepalive-timeout S expire an idle session after S seconds (600).
          -M, --mtu BYTES           largest IP packet sent to the target (1500).
          -l, --log FILE            log to FILE instead of standard error.
              --stats-interval S    seconds between stats lines; 0 turns them off (5).
              --capture-buffer MIB  kernel capture buffer (256).
        Offline replay and dry run:
          -i FILE, --input-file FILE  replay a pcap/pcapng file (-i takes a file when the path exists) with
                                    its original timing; exits --exit-after-replay S (10) after the file ends.
          -a, --speed FACTOR        replay FACTOR times faster (1).
          -I, --idle-gap S          cut pauses longer than S seconds to S (no cut).
          -T, --loops N             replay the file N times (1).
              --dump FILE           dry run: write what would be sent to FILE (pcap, raw IP) instead of
                                    sending. Without -s nothing answers, so it shows each session's SYN
                                    (and its retransmissions) with the tuples and target it would use.
              --metrics-listen ADDR:PORT
                                    serve Prometheus metrics at http://ADDR:PORT/metrics (off by default).
          -h, --help                this text.   -v, --version   the version.

        Examples:
          # Copy port 80 of this host to the target's port 80; intercept runs on 198.18.2.3:
          tcpshadow -x 80-198.18.2.2:80 -s 198.18.2.3
          # Only traffic to 198.18.1.1:80, clients rewritten into 198.18.100.0/24:
          tcpshadow -x 198.18.1.1:80-198.18.2.2:80 -s 198.18.2.3 -c 198.18.100.0/24
          # Two services to two targets:
          tcpshadow -x 80-198.18.2.2:8080,6379-198.18.2.5:6379 -s 198.18.2.3
          # Replay a capture four times faster; dry run into a pcap:
          tcpshadow -x 80-198.18.2.2:80 -s 198.18.2.3 -i traffic.pcap -a 4
          tcpshadow -x 80-198.18.2.2:80 -i traffic.pcapng --dump would-send.pcap

        On the target: route the client addresses (or the -c pool) to the intercept host, e.g.
          ip route add 198.18.100.0/24 via 198.18.2.3
        On the intercept host: keep net.ipv4.ip_forward=0 and run tcpshadow-intercept -i IF -F 'tcp and src port 80'.
        """;
}
