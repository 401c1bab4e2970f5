using System.Globalization;
using System.Net;
using TcpShadow.DataPlane.Metrics;
using TcpShadow.Intercept.Capture;

namespace TcpShadow.Intercept.Service;

/// <summary>Parses the <c>tcpshadow-intercept</c> command line; every bad value yields a message naming the flag, the value and the fix.</summary>
public sealed class InterceptCommandLine
{
    public const string HelpText = """
        tcpshadow-intercept: captures the target's responses on the assist host and streams their TCP/IP headers
        back to the tcpshadow replicators that registered the connections.

        Usage:
          tcpshadow-intercept -i IF [-F FILTER] [-p PORT] [-b ADDR] [--payload-bytes N] [--route-ttl SECONDS]

        Options:
          -i, --interface IF      capture interface (required), e.g. eth0, or 'any' for all interfaces
          -F, --filter FILTER     BPF filter for the target's responses (default: tcp)
          -p, --port PORT         TCP port replicators connect to (default: 36524)
          -b, --bind ADDR         address to listen on (default: 0.0.0.0)
              --payload-bytes N   also return the first N payload bytes of each response (default: 0, max 1400)
              --route-ttl SECONDS drop a registered connection after this long without responses (default: 120)
              --metrics-listen ADDR:PORT
                                  serve Prometheus metrics at http://ADDR:PORT/metrics (default: off)
          -h, --help              show this help

        Examples:
          # The target 198.18.2.10 serves :80 and routes the fake clients to this host (ip_forward=0):
          tcpshadow-intercept -i eth1 -F 'tcp and src host 198.18.2.10 and src port 80'

          # Listen only on the management address, on another port, keeping 64 payload bytes:
          tcpshadow-intercept -i any -F 'tcp and src port 6379' -b 198.18.3.1 -p 36600 --payload-bytes 64

          # Long-lived idle connections (e.g. websockets): keep routes for 10 minutes:
          tcpshadow-intercept -i eth1 -F 'tcp and src port 443' --route-ttl 600

        The replicator side: tcpshadow ... --intercept 198.18.3.1:36524
        """;

    public const int MaxPayloadBytes = 1400;

    public InterceptServerOptions Server { get; } = new();

    public PcapCaptureOptions Capture { get; } = new();

    public bool ShowHelp { get; private set; }

    /// <summary>--metrics-listen: where to serve Prometheus metrics. Defaults to null: no endpoint.</summary>
    public IPEndPoint? MetricsListen { get; private set; }

    /// <summary>Parses <paramref name="args"/>; on failure <paramref name="error"/> says what to fix (exit code 2).</summary>
    public static bool TryParse(string[] args, out InterceptCommandLine commandLine, out string? error)
    {
        ArgumentNullException.ThrowIfNull(args);
        commandLine = new InterceptCommandLine();
        error = null;
        for (var i = 0; i < args.Length; i++)
        {
            var arg = args[i];
            string? inline = null;
            var eq = arg.StartsWith("--", StringComparison.Ordinal) ? arg.IndexOf('=', StringComparison.Ordinal) : -1;
            if (eq > 0)
            {
                inline = arg[(eq + 1)..];
                arg = arg[..eq];
            }
            if (arg is "-h" or "--help")
            {
                commandLine.ShowHelp = true;
                return true;
            }
            if (arg is not ("-i" or "--interface" or "-F" or "--filter" or "-p" or "--port" or "-b" or "--bind" or "--payload-bytes" or "--route-ttl" or MetricsEndpoint.Flag))
            {
                error = $"unknown option '{args[i]}'. Run 'tcpshadow-intercept --help' for the options.";
                return false;
            }
            string value;
            if (inline is not null)
            {
                value = inline;
            }
            else if (i + 1 < args.Length)
            {
                value = args[++i];
            }
            else
            {
                error = $"{arg} needs a value. Run 'tcpshadow-intercept --help' for an example.";
                return false;
            }
            error = commandLine.Apply(arg, value);
            if (error is not null)
            {
                return false;
            }
        }
        if (string.IsNullOrEmpty(commandLine.Capture.Interface))
        {
            error = "-i/--interface is required: name the interface the target's responses arrive on, e.g. -i eth1, or -i any.";
            return false;
        }
        commandLine.Capture.SnapLength = 256 + commandLine.Server.PayloadBytes;
        return true;
    }

    private string? Apply(string flag, string value)
    {
        switch (flag)
        {
            case "-i" or "--interface":
                if (string.IsNullOrWhiteSpace(value) || value.StartsWith('-'))
                {
                    return $"{flag} '{value}': not an interface name. Use a name from 'ip link', e.g. -i eth1, or -i any.";
                }
                Capture.Interface = value;
                return null;
            case "-F" or "--filter":
                if (string.IsNullOrWhiteSpace(value))
                {
                    return $"{flag} '{value}': the filter is empty. Give a BPF expression, e.g. -F 'tcp and src port 80'.";
                }
                Capture.Filter = value;
                return null;
            case "-p" or "--port":
                if (!int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65535)
                {
                    return $"{flag} '{value}': not a TCP port. Use a number from 1 to 65535, e.g. -p 36524.";
                }
                Server.Port = port;
                return null;
            case "-b" or "--bind":
                if (!IPAddress.TryParse(value, out var address))
                {
                    return $"{flag} '{value}': not an IP address. Use an address of this host, e.g. -b 198.18.3.1, or -b 0.0.0.0 for all.";
                }
                Server.BindAddress = address;
                return null;
            case MetricsEndpoint.Flag:
                var metricsError = MetricsEndpoint.TryParse(value, out var metricsListen);
                MetricsListen = metricsListen;
                return metricsError;
            case "--payload-bytes":
                if (!int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var payload) || payload > MaxPayloadBytes)
                {
                    return $"{flag} '{value}': use a whole number of bytes from 0 to {MaxPayloadBytes}, e.g. --payload-bytes 64.";
                }
                Server.PayloadBytes = payload;
                return null;
            default:
                if (!double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) || !(seconds >= 1) || seconds > 86400)
                {
                    return $"{flag} '{value}': use a number of seconds from 1 to 86400, e.g. --route-ttl 120.";
                }
                Server.RouteTtl = TimeSpan.FromSeconds(seconds);
                return null;
        }
    }
}
