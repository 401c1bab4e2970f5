using TcpShadow.DataPlane.Cli;
using TcpShadow.Tests.Support;

namespace TcpShadow.Tests.Cli;

public class ReplicatorOptionsParserOfflineTests
{
    [Fact]
    public void Parse_InterfaceIsAnExistingFile_ReplaysItWithPacing()
    {
        using var file = TempFile.With([0]);

        var o = ReplicatorOptionsParser.Parse(["-x", "80-198.18.2.2:80", "-s", "198.18.2.3", "-i", file.Path, "-a", "4", "-I", "1.5", "-T", "3", "--exit-after-replay=2"]);

        Assert.Equal(file.Path, o.InputFile);
        Assert.Equal(4, o.Replay.Speed);
        Assert.Equal(TimeSpan.FromSeconds(1.5), o.Replay.IdleGap);
        Assert.Equal(3, o.Replay.Loops);
        Assert.Equal(2, o.ExitAfterReplaySeconds);
    }

    [Fact]
    public void Parse_DumpWithoutServer_IsADryRunWithoutIntercept()
    {
        using var file = TempFile.With([0]);

        var o = ReplicatorOptionsParser.Parse(["-x", "80-198.18.2.2:80", "--input-file", file.Path, "--dump", "out.pcap"]);

        Assert.Equal("out.pcap", o.DumpFile);
        Assert.Empty(o.InterceptEndpoints);
    }

    [Theory]
    [InlineData("-a", "0", "-a/--speed")]
    [InlineData("-I", "-1", "-I/--idle-gap")]
    [InlineData("-T", "0", "-T/--loops")]
    public void Parse_BadPacing_NamesTheFlagAndValue(string flag, string value, string named)
    {
        using var file = TempFile.With([0]);

        var e = Assert.Throws<OptionsException>(() => ReplicatorOptionsParser.Parse(["-x", "80-198.18.2.2:80", "-s", "198.18.2.3", "-i", file.Path, flag, value]));

        Assert.Contains(named, e.Message, StringComparison.Ordinal);
        Assert.Contains($"'{value}'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_PacingWithoutFile_SaysToAddOne()
    {
        var e = Assert.Throws<OptionsException>(() => ReplicatorOptionsParser.Parse(["-x", "80-198.18.2.2:80", "-s", "198.18.2.3", "-a", "4"]));

        Assert.Contains("-i FILE", e.Message, StringComparison.Ordinal);
    }
}
