using System.Net;
using TcpShadow.Intercept.Service;

namespace TcpShadow.Tests.Intercept.Service;

public class InterceptCommandLineTests
{
    [Fact]
    public void TryParse_AllFlags_Applied()
    {
        Assert.True(InterceptCommandLine.TryParse(
            ["--interface", "eth1", "-F", "tcp and src port 80", "-p", "36600", "--bind=198.18.3.1", "--payload-bytes", "64", "--route-ttl", "600"],
            out var cl, out var error), error);
        Assert.Equal("eth1", cl.Capture.Interface);
        Assert.Equal("tcp and src port 80", cl.Capture.Filter);
        Assert.Equal(36600, cl.Server.Port);
        Assert.Equal(IPAddress.Parse("198.18.3.1"), cl.Server.BindAddress);
        Assert.Equal(64, cl.Server.PayloadBytes);
        Assert.Equal(TimeSpan.FromSeconds(600), cl.Server.RouteTtl);
    }

    [Fact]
    public void TryParse_OnlyInterface_Defaults()
    {
        Assert.True(InterceptCommandLine.TryParse(["-i", "any"], out var cl, out _));
        Assert.Equal("tcp", cl.Capture.Filter);
        Assert.Equal(36524, cl.Server.Port);
        Assert.Equal(IPAddress.Any, cl.Server.BindAddress);
        Assert.Equal(0, cl.Server.PayloadBytes);
    }

    [Theory]
    [InlineData(new[] { "-i", "eth0", "-p", "70000" }, "-p '70000'")]
    [InlineData(new[] { "-i", "eth0", "--port", "x" }, "--port 'x'")]
    [InlineData(new[] { "-i", "eth0", "-b", "nowhere" }, "-b 'nowhere'")]
    [InlineData(new[] { "-i", "eth0", "--payload-bytes", "-1" }, "--payload-bytes '-1'")]
    [InlineData(new[] { "-i", "eth0", "--route-ttl", "0" }, "--route-ttl '0'")]
    [InlineData(new[] { "-i", "eth0", "-p" }, "-p needs a value")]
    [InlineData(new[] { "-i", "eth0", "--frobnicate" }, "unknown option '--frobnicate'")]
    [InlineData(new[] { "-F", "tcp" }, "-i/--interface is required")]
    public void TryParse_BadValue_ErrorNamesFlagAndValue(string[] args, string expected)
    {
        Assert.False(InterceptCommandLine.TryParse(args, out _, out var error));
        Assert.Contains(expected, error, StringComparison.Ordinal);
    }

    [Fact]
    public void TryParse_Help_ShowsHelpWithExamples()
    {
        Assert.True(InterceptCommandLine.TryParse(["--help"], out var cl, out _));
        Assert.True(cl.ShowHelp);
        Assert.Contains("Examples:", InterceptCommandLine.HelpText, StringComparison.Ordinal);
    }
}
