namespace TcpShadow.DataPlane.Capture;

/// <summary>How <see cref="PcapFileSource"/> paces an offline replay.</summary>
public sealed class PcapReplayOptions
{
    /// <summary>-a: speed factor; 4 replays four times faster. Defaults to 1 (the original timing).</summary>
    public double Speed { get; set; } = 1;

    /// <summary>-I: gaps between packets longer than this are cut to it. Defaults to null (no cut).</summary>
    public TimeSpan? IdleGap { get; set; }

    /// <summary>-T: how many times the file is replayed. Defaults to 1.</summary>
    public int Loops { get; set; } = 1;
}
