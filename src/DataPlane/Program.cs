using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;
using TcpShadow.DataPlane.Cli;
using TcpShadow.Interop;

// Socket completions run on the epoll thread, not hopped to the thread pool: the intercept channel's latency is the
// copy's request rate per connection. Read once by the socket engine, so it must be set before the first socket.
Environment.SetEnvironmentVariable("DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS", "1");

ReplicatorOptions options;
try
{
    options = ReplicatorOptionsParser.Parse(args);
}
catch (OptionsException e)
{
    Console.Error.WriteLine("tcpshadow: " + e.Message);
    return 2;
}
if (options.ShowHelp)
{
    Console.WriteLine(ReplicatorOptionsParser.Help);
    return 0;
}
if (options.ShowVersion)
{
    Console.WriteLine("tcpshadow " + typeof(ReplicatorOptions).Assembly.GetName().Version);
    return 0;
}

StreamWriter? logFile = null;
if (options.LogFile is not null)
{
    try
    {
        logFile = new StreamWriter(options.LogFile, append: true) { AutoFlush = true };
    }
    catch (Exception e) when (e is IOException or UnauthorizedAccessException)
    {
        Console.Error.WriteLine($"tcpshadow: -l/--log: cannot open '{options.LogFile}': {e.Message}. Give a writable path.");
        return 2;
    }
    Console.SetError(logFile);
}

using var loggerFactory = LoggerFactory.Create(builder => builder
    .SetMinimumLevel(LogLevel.Information)
    .AddSimpleConsole(o =>
    {
        o.SingleLine = true;
        o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fff ";
        o.ColorBehavior = LoggerColorBehavior.Disabled;
    })
    .AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace));
try
{
    return await new ReplicatorHost(options, loggerFactory).RunAsync();
}
catch (ArgumentException e)
{
    Console.Error.WriteLine("tcpshadow: " + e.Message);
    return 2;
}
catch (NativeCallException e)
{
    Console.Error.WriteLine("tcpshadow: " + e.Message);
    return 1;
}
catch (SharpPcap.PcapException e)
{
    Console.Error.WriteLine($"tcpshadow: capture failed: {e.Message} (run as root or with CAP_NET_RAW; check -i/--interface).");
    return 1;
}
finally
{
    logFile?.Dispose();
}
