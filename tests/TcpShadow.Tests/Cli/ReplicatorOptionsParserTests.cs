using TcpShadow.DataPlane.Cli;
using TcpShadow.DataPlane.Packets;

namespace TcpShadow.Tests.Cli;

public class ReplicatorOptionsParserTests
{
    [Fact]
    public void Parse_TcpCopyShape_MapsOnlineAddressAndIntercept()
    {
        var options = ReplicatorOptionsParser.Parse(["-x", "198.18.1.1:80-198.18.2.2:80", "-s", "198.18.2.3"]);
        var route = Assert.Single(options.Routes);
        Assert.Equal("198.18.1.1", route.OnlineAddress?.ToString());
        Assert.Equal(80, route.OnlinePort);
        Assert.Equal("198.18.2.2", route.TargetAddress.ToString());
        Assert.Equal("198.18.2.3:36524", Assert.Single(options.InterceptEndpoints).ToString());
        Assert.Equal("any", options.Interface);
        Assert.StartsWith("tcp and ((dst port 80 and dst host 198.18.1.1 and not (dst host 198.18.2.2 and dst port 80))) and (ip6 or tcp[13] & 7 != 0", options.EffectiveFilter(), StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_SeveralMapsAndLongForms_AllKept()
    {
        var options = ReplicatorOptionsParser.Parse(["--transfer=80-198.18.2.2:8080,6379-198.18.2.5:6379", "--server", "198.18.2.3:4000,198.18.2.4", "-W", "-t", "30", "-k", "60"]);
        Assert.Equal(2, options.Routes.Count);
        Assert.Null(options.Routes[0].OnlineAddress);
        Assert.Equal(8080, options.Routes[0].TargetPort);
        Assert.Equal(["198.18.2.3:4000", "198.18.2.4:36524"], options.InterceptEndpoints.Select(e => e.ToString()));
        Assert.False(options.Engine.GateRequests);
        Assert.Equal(TimeSpan.FromSeconds(30), options.Engine.SessionTimeout);
        Assert.Equal(TimeSpan.FromSeconds(60), options.Engine.KeepAliveTimeout);
    }

    [Theory]
    [InlineData("198.18.100.0/24", 254)]
    [InlineData("198.18.100.1-198.18.100.50", 50)]
    [InlineData("198.18.100.x", 254)]
    [InlineData("198.18.100.7,198.18.100.9", 2)]
    public void Parse_ClientPoolForms_ExpandToAddresses(string pool, int count)
    {
        var options = ReplicatorOptionsParser.Parse(["-x", "80-198.18.2.2:80", "-s", "198.18.2.3", "-c", pool]);
        Assert.Equal(count, options.ClientAddresses.Count);
        Assert.All(options.ClientAddresses, a => Assert.True(a.IsIPv4));
    }

    [Theory]
    [InlineData(new[] { "-s", "198.18.2.3" }, "-x/--transfer is required")]
    [InlineData(new[] { "-x", "80-198.18.2.2:80" }, "-s/--server is required")]
    [InlineData(new[] { "-x", "80-nowhere:80", "-s", "198.18.2.3" }, "-x/--transfer: '80-nowhere:80'")]
    [InlineData(new[] { "-x", "99999-198.18.2.2:80", "-s", "198.18.2.3" }, "-x/--transfer")]
    [InlineData(new[] { "-x", "80-198.18.2.2:80", "-s", "198.18.2.3", "-t", "abc" }, "-t/--session-timeout: 'abc' is out of range")]
    [InlineData(new[] { "-x", "80-198.18.2.2:80", "-s", "198.18.2.3", "-c", "198.18.100.0/8" }, "-c/--client-ip: '198.18.100.0/8'")]
    [InlineData(new[] { "-x", "80-198.18.2.2:80", "-s", "198.18.2.3", "--bogus" }, "unknown option '--bogus'")]
    [InlineData(new[] { "-x" }, "-x needs a value")]
    public void Parse_BadValue_NamesTheFlagAndTheValue(string[] args, string expected)
    {
        var e = Assert.Throws<OptionsException>(() => ReplicatorOptionsParser.Parse(args));
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_Help_NeedsNoOtherFlag()
    {
        Assert.True(ReplicatorOptionsParser.Parse(["--help"]).ShowHelp);
        Assert.Contains("Examples:", ReplicatorOptionsParser.Help, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_Ipv6Target_InBrackets()
    {
        var options = ReplicatorOptionsParser.Parse(["-x", "[2001:2::1]:80-[2001:2::2]:8080", "-s", "[2001:2::3]"]);
        Assert.False(options.Routes[0].TargetAddress.IsIPv4);
        Assert.Equal(FlowAddress.FromIPAddress(System.Net.IPAddress.Parse("2001:2::1")), options.Routes[0].OnlineAddress);
    }
}
