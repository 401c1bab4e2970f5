namespace TcpShadow.LoadGen;

internal static class Usage
{
    public const string Text = """
        usage: TcpShadow.LoadGen open --target IP:PORT --rate N --duration S
                                      [--bind IP[-IP]] [--prefix P] [--max-inflight N] [--timeout-ms N]
                 Opens N new connections per second for S seconds (open loop). Each sends
                 "GET /r/<prefix>-<n> HTTP/1.1" with Connection: close and reads the response.
                 Prints one line: sent= ok= failed= timeouts= skipped= elapsed_s=
                 Caps: rate <= 20000, duration <= 120 s, max-inflight <= 16384.
               TcpShadow.LoadGen syn --src IP --sport N --dst IP:PORT [--count N]
                 Sends N (<= 10) hand-built TCP SYNs from a raw socket (IP_HDRINCL), checksums
                 computed in software. Needs CAP_NET_RAW.
        """;
}
