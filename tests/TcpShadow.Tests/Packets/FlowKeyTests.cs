using TcpShadow.DataPlane.Packets;

namespace TcpShadow.Tests.Packets;

public class FlowKeyTests
{
    [Fact]
    public void Write_ThenRead_RoundTrips()
    {
        Assert.True(FlowAddress.TryParse("198.18.1.2", out var client));
        Assert.True(FlowAddress.TryParse("2001:2::5", out var server));
        var key = new FlowKey(client, 40000, server, 80);
        Span<byte> wire = stackalloc byte[FlowKey.WireSize];
        key.Write(wire);
        Assert.Equal(key, FlowKey.Read(wire));
        Assert.True(client.IsIPv4);
        Assert.False(server.IsIPv4);
        Assert.Equal("198.18.1.2", client.ToString());
    }
}
