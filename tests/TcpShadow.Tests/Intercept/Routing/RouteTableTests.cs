using TcpShadow.DataPlane.Packets;
using TcpShadow.Intercept.Routing;

namespace TcpShadow.Tests.Intercept.Routing;

public class RouteTableTests
{
    private static readonly FlowKey s_key = new(FlowAddress.FromV4(0xC6120001), 40000, FlowAddress.FromV4(0xC6120102), 80);
    private static readonly FlowKey s_other = new(FlowAddress.FromV4(0xC6120001), 40001, FlowAddress.FromV4(0xC6120102), 80);
    private static readonly byte[] s_record = [0x45, 0, 0, 40, 1, 2, 3];

    private static RouteTable NewTable(int parkCapacity = 16) => new(new RouteTableOptions
    {
        RouteTtl = TimeSpan.FromSeconds(10),
        ParkTimeout = TimeSpan.FromMilliseconds(500),
        ParkCapacity = parkCapacity,
    });

    [Fact]
    public void Route_AfterAdd_ReturnsPeer()
    {
        var table = NewTable();
        Assert.True(table.Add(s_key, 7, 0));
        Assert.Equal(RouteResult.Routed, table.Route(s_key, s_record, 1, false, 1, out var peer));
        Assert.Equal(7, peer);
        Assert.Equal(1, table.Routed);
        Assert.Equal(RouteResult.Unroutable, table.Route(s_other, s_record, 1, false, 1, out _));
        Assert.Equal(1, table.Unroutable);
    }

    [Fact]
    public void Add_SecondPeer_TakesOverAndOldPeerCannotRemove()
    {
        var table = NewTable();
        table.Add(s_key, 1, 0);
        Assert.False(table.Add(s_key, 2, 0));
        Assert.False(table.Remove(s_key, 1));
        Assert.True(table.TryGetPeer(s_key, out var peer));
        Assert.Equal(2, peer);
        Assert.True(table.Remove(s_key, 2));
        Assert.Equal(0, table.Count);
        Assert.Equal(RouteResult.Unroutable, table.Route(s_key, s_record, 1, false, 1, out _));
    }

    [Fact]
    public void RemovePeer_RemovesOnlyThatPeersRoutes()
    {
        var table = NewTable();
        table.Add(s_key, 1, 0);
        table.Add(s_other, 2, 0);
        Assert.Equal(1, table.RemovePeer(1));
        Assert.False(table.TryGetPeer(s_key, out _));
        Assert.True(table.TryGetPeer(s_other, out _));
    }

    [Fact]
    public void Expire_IdleRoute_RemovedButUsedRouteRefreshed()
    {
        var table = NewTable();
        table.Add(s_key, 1, 0);
        table.Add(s_other, 1, 0);
        table.Route(s_other, s_record, 0, false, 9_000, out _);
        table.Expire(10_000);
        Assert.False(table.TryGetPeer(s_key, out _));
        Assert.True(table.TryGetPeer(s_other, out _));
        Assert.Equal(1, table.Expired);
        table.Expire(19_500);
        Assert.Equal(0, table.Count);
        Assert.Equal(2, table.Expired);
    }

    [Fact]
    public void Route_SynAckBeforeRegistration_ParkedThenDeliveredInOrder()
    {
        var table = NewTable();
        Assert.Equal(RouteResult.Parked, table.Route(s_key, [1, 2, 3], 100, true, 0, out _));
        Assert.Equal(RouteResult.Parked, table.Route(s_key, [4, 5], 200, true, 10, out _));
        Assert.Equal(2, table.ParkedCount);
        table.Add(s_key, 3, 20);
        Assert.True(table.TryTakeParked(s_key, out var ts, out var record));
        Assert.Equal(100, ts);
        Assert.Equal(new byte[] { 1, 2, 3 }, record.ToArray());
        Assert.True(table.TryTakeParked(s_key, out ts, out record));
        Assert.Equal(200, ts);
        Assert.Equal(new byte[] { 4, 5 }, record.ToArray());
        Assert.False(table.TryTakeParked(s_key, out _, out _));
        Assert.Equal(0, table.ParkedCount);
        Assert.Equal(2, table.ParkedDelivered);
    }

    [Fact]
    public void Expire_ParkedPastTimeout_Dropped()
    {
        var table = NewTable();
        table.Route(s_key, s_record, 1, true, 0, out _);
        table.Route(s_key, s_record, 2, true, 400, out _);
        table.Expire(499);
        Assert.Equal(2, table.ParkedCount);
        table.Expire(500);
        Assert.Equal(1, table.ParkedCount);
        Assert.Equal(1, table.ParkExpired);
        Assert.True(table.TryTakeParked(s_key, out var ts, out _));
        Assert.Equal(2, ts);
        table.Expire(1000);
        Assert.Equal(0, table.ParkedCount);
    }

    [Fact]
    public void Route_ParkingFull_CountsOverflowAndReusesFreedSlots()
    {
        var table = NewTable(parkCapacity: 2);
        Assert.Equal(RouteResult.Parked, table.Route(s_key, s_record, 1, true, 0, out _));
        Assert.Equal(RouteResult.Parked, table.Route(s_other, s_record, 2, true, 0, out _));
        Assert.Equal(RouteResult.ParkFull, table.Route(s_other, s_record, 3, true, 0, out _));
        Assert.Equal(1, table.ParkOverflow);
        Assert.True(table.TryTakeParked(s_key, out _, out _));
        Assert.Equal(RouteResult.Parked, table.Route(s_key, [9], 4, true, 0, out _));
        Assert.True(table.TryTakeParked(s_key, out var ts, out var record));
        Assert.Equal(4, ts);
        Assert.Equal(new byte[] { 9 }, record.ToArray());
    }

    [Fact]
    public void Route_RecordLongerThanSlot_CountedAsOverflow()
    {
        var table = NewTable();
        Assert.Equal(RouteResult.ParkFull, table.Route(s_key, new byte[121], 1, true, 0, out _));
        Assert.Equal(0, table.ParkedCount);
    }
}
