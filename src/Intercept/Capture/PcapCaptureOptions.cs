namespace TcpShadow.Intercept.Capture;

/// <summary>Settings of the live libpcap capture.</summary>
public sealed class PcapCaptureOptions
{
    /// <summary>Interface name, or <c>any</c> (<c>-i</c>). Required.</summary>
    public string Interface { get; set; } = "";

    /// <summary>BPF filter (<c>-F</c>). Defaults to <c>tcp</c>.</summary>
    public string Filter { get; set; } = "tcp";

    /// <summary>Bytes captured per packet: link + IP + TCP headers + payload prefix. Defaults to 256.</summary>
    public int SnapLength { get; set; } = 256;

    /// <summary>The longest a read waits before the loop does housekeeping. Defaults to 2 ms.</summary>
    public int ReadTimeoutMs { get; set; } = 2;

    /// <summary>Kernel capture buffer. Defaults to 32 MiB.</summary>
    public int BufferSize { get; set; } = 32 << 20;
}
