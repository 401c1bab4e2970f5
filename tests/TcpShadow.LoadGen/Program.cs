using TcpShadow.LoadGen;

// Bounded load generator and packet probe for the end-to-end tests and scripts/bench-e2e.sh.
//   open  --target IP:PORT --rate N --duration S [--bind A-B] [--prefix P] [--max-inflight N] [--timeout-ms N]
//   syn   --src IP --sport N --dst IP:PORT [--count N]
try
{
    if (args.Length == 0 || args[0] is "-h" or "--help")
    {
        Console.WriteLine(Usage.Text);
        return args.Length == 0 ? 2 : 0;
    }

    var rest = new ArgReader(args.AsSpan(1).ToArray());
    return args[0] switch
    {
        "open" => await OpenLoop.RunAsync(OpenLoopOptions.Parse(rest)),
        "syn" => SynProbe.Run(SynProbeOptions.Parse(rest)),
        _ => throw new UsageException($"unknown command '{args[0]}'"),
    };
}
catch (UsageException ex)
{
    Console.Error.WriteLine($"loadgen: {ex.Message}");
    Console.Error.WriteLine(Usage.Text);
    return 2;
}
