using TcpShadow.DataPlane.Cli;
using TcpShadow.DataPlane.Packets;
using TcpShadow.DataPlane.Sessions;

namespace TcpShadow.Tests.Sessions;

public class TargetMapTests
{
    private static FlowAddress Addr(string text)
    {
        Assert.True(FlowAddress.TryParse(text, out var a));
        return a;
    }

    private static TargetMap Map(string transfer) => new(ReplicatorOptionsParser.Parse(["-x", transfer, "-s", "198.18.2.3"]).Routes);

    [Fact]
    public void TryMap_SeveralMaps_EachPortToItsTarget()
    {
        var map = Map("80-198.18.2.2:8080,6379-198.18.2.5:6379");
        Assert.True(map.TryMap(Addr("198.18.1.1"), 80, out var web, out var webPort));
        Assert.Equal(("198.18.2.2", (ushort)8080), (web.ToString(), webPort));
        Assert.True(map.TryMap(Addr("198.18.1.7"), 6379, out var redis, out var redisPort));
        Assert.Equal(("198.18.2.5", (ushort)6379), (redis.ToString(), redisPort));
        Assert.False(map.TryMap(Addr("198.18.1.1"), 443, out _, out _));
    }

    [Fact]
    public void TryMap_OnlineAddressGiven_WinsOverPortOnlyAndFiltersOthers()
    {
        var map = Map("80-198.18.2.9:80,198.18.1.1:80-198.18.2.2:80");
        Assert.True(map.TryMap(Addr("198.18.1.1"), 80, out var exact, out _));
        Assert.Equal("198.18.2.2", exact.ToString());
        Assert.True(map.TryMap(Addr("198.18.1.5"), 80, out var fallback, out _));
        Assert.Equal("198.18.2.9", fallback.ToString());

        var only = Map("198.18.1.1:80-198.18.2.2:80");
        Assert.False(only.TryMap(Addr("198.18.1.5"), 80, out _, out _));
    }
}
