using System.Buffers;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging.Abstractions;
using TcpShadow.DataPlane.Feedback;
using TcpShadow.DataPlane.Packets;
using TcpShadow.Intercept.Protocol;
using TcpShadow.Intercept.Service;
using TcpShadow.Tests.Intercept.Service;

namespace TcpShadow.Tests.Feedback;

public class InterceptLoopbackTests
{
    private const string Client = "198.18.1.5";
    private const string Target = "198.18.2.10";

    private static InterceptServer StartServer(FakeCaptureSource capture, int port = 0, int payloadBytes = 0)
    {
        var server = new InterceptServer(
            new InterceptServerOptions { BindAddress = IPAddress.Loopback, Port = port, PayloadBytes = payloadBytes },
            capture,
            NullLoggerFactory.Instance);
        server.Start();
        return server;
    }

    private static InterceptClient NewClient(IPEndPoint endpoint, RecordingSink sink) =>
        new(endpoint, sink, NullLogger<InterceptClient>.Instance, new InterceptClientOptions { InstanceId = 42 });

    [Fact]
    public async Task SynAck_BeforeRegistration_DeliveredAfterRegistration()
    {
        var capture = new FakeCaptureSource();
        await using var server = StartServer(capture);
        var sink = new RecordingSink();
        await using var client = NewClient(server.LocalEndPoint, sink);
        client.Start();
        await TestPackets.WaitUntil(() => client.IsConnected && server.Peers == 1, "the Hello handshake");

        var synAck = TestPackets.Tcp(Target, 80, Client, 40000, TcpFlags.Syn | TcpFlags.Ack);
        capture.Inject(synAck, 1_000);
        await TestPackets.WaitUntil(() => server.Parked == 1, "the SYN-ACK to be parked");
        Assert.Empty(sink.Records);

        Assert.True(client.TryRegister(TestPackets.Key(Client, 40000, Target, 80)));
        await TestPackets.WaitUntil(() => sink.Records.Count == 1, "the parked SYN-ACK to be delivered");
        Assert.True(sink.Records.TryPeek(out var first));
        Assert.Equal(synAck, first.Packet);
        Assert.Equal(1_000, first.Timestamp);
        Assert.Equal(1, server.ParkedDelivered);

        // Once registered, data responses route directly; the payload is cut to --payload-bytes (0) but the IP total
        // length stays as captured.
        var data = TestPackets.Tcp(Target, 80, Client, 40000, TcpFlags.Ack | TcpFlags.Psh, payload: 100);
        capture.Inject(data, 2_000);
        await TestPackets.WaitUntil(() => sink.Records.Count == 2, "the routed data response");
        var second = sink.Records.ToArray()[1];
        Assert.Equal(data.AsSpan(0, 40).ToArray(), second.Packet);
        Assert.Equal(1, server.Routed);

        // Unrelated tuples are counted, not delivered.
        capture.Inject(TestPackets.Tcp(Target, 80, Client, 40001, TcpFlags.Ack), 3_000);
        await TestPackets.WaitUntil(() => server.Unroutable == 1, "the unroutable response to be counted");
        Assert.Equal(2, sink.Records.Count);
        Assert.Equal(2, client.RecordsReceived);
    }

    [Fact]
    public async Task Unregister_ThenResponse_NotDelivered()
    {
        var capture = new FakeCaptureSource();
        await using var server = StartServer(capture);
        var sink = new RecordingSink();
        await using var client = NewClient(server.LocalEndPoint, sink);
        client.Start();
        var key = TestPackets.Key(Client, 40002, Target, 80);
        Assert.True(client.TryRegister(key));
        await TestPackets.WaitUntil(() => server.Routes == 1, "the registration");
        Assert.True(client.TryUnregister(key));
        await TestPackets.WaitUntil(() => server.Routes == 0, "the removal");
        capture.Inject(TestPackets.Tcp(Target, 80, Client, 40002, TcpFlags.Ack), 1);
        await TestPackets.WaitUntil(() => server.Unroutable == 1, "the response to be counted unroutable");
        Assert.Empty(sink.Records);
    }

    [Fact]
    public async Task ServerRestarted_ClientReconnectsAndReregisters()
    {
        var capture1 = new FakeCaptureSource();
        var server1 = StartServer(capture1);
        var port = server1.LocalEndPoint.Port;
        var sink = new RecordingSink();
        await using var client = NewClient(server1.LocalEndPoint, sink);
        client.Start();
        var key = TestPackets.Key(Client, 40003, Target, 80);
        Assert.True(client.TryRegister(key));
        await TestPackets.WaitUntil(() => server1.Routes == 1, "the first registration");
        await server1.StopAsync();
        await TestPackets.WaitUntil(() => !client.IsConnected, "the client to notice the lost intercept");

        var capture2 = new FakeCaptureSource();
        await using var server2 = StartServer(capture2, port);
        await TestPackets.WaitUntil(() => client.IsConnected && server2.Routes == 1, "the reconnect and re-registration");
        Assert.True(client.Reconnects >= 1);

        var synAck = TestPackets.Tcp(Target, 80, Client, 40003, TcpFlags.Syn | TcpFlags.Ack);
        capture2.Inject(synAck, 7);
        await TestPackets.WaitUntil(() => sink.Records.Count == 1, "a response through the new connection");
        Assert.Equal(synAck, sink.Records.ToArray()[0].Packet);
    }

    [Fact]
    public async Task RegisterBeforeHello_RejectedWithErrorAndCounted()
    {
        await using var server = StartServer(new FakeCaptureSource());
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(server.LocalEndPoint, TestContext.Current.CancellationToken);
        var output = new ArrayBufferWriter<byte>();
        var writer = new FrameWriter(output);
        writer.AppendKey(FrameType.Register, TestPackets.Key(Client, 1, Target, 80));
        writer.EndBatch();
        await socket.SendAsync(output.WrittenMemory, SocketFlags.None, TestContext.Current.CancellationToken);

        var reply = await ReadToEndAsync(socket);
        var buffer = new ReadOnlySequence<byte>(reply);
        Assert.Equal(OperationStatus.Done, FrameReader.TryRead(ref buffer, 4096, out var frame));
        Assert.Equal(FrameType.Error, frame.Type);
        Assert.Equal(ErrorCode.HandshakeRequired, FrameBodies.ReadError(frame.Body.FirstSpan, out _));
        Assert.Equal(1, server.HandshakeFailures);
        await TestPackets.WaitUntil(() => server.Peers == 0, "the rejected connection to close");
    }

    [Fact]
    public async Task GarbageAfterHello_DisconnectsOnlyThatPeer()
    {
        await using var server = StartServer(new FakeCaptureSource());
        var sink = new RecordingSink();
        await using var good = NewClient(server.LocalEndPoint, sink);
        good.Start();
        await TestPackets.WaitUntil(() => good.IsConnected, "the good client");

        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(server.LocalEndPoint, TestContext.Current.CancellationToken);
        var output = new ArrayBufferWriter<byte>();
        new FrameWriter(output).WriteHello(1, 1, 7);
        await socket.SendAsync(output.WrittenMemory, SocketFlags.None, TestContext.Current.CancellationToken);
        await socket.SendAsync("GET / HTTP/1.1\r\n\r\n"u8.ToArray(), SocketFlags.None, TestContext.Current.CancellationToken);
        await ReadToEndAsync(socket);

        await TestPackets.WaitUntil(() => server.MalformedFrames == 1 && server.Peers == 1, "the bad peer to be dropped");
        Assert.True(good.IsConnected);
    }

    [Fact]
    public async Task UnsupportedVersion_ErrorFrame()
    {
        await using var server = StartServer(new FakeCaptureSource());
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(server.LocalEndPoint, TestContext.Current.CancellationToken);
        var output = new ArrayBufferWriter<byte>();
        new FrameWriter(output).WriteHello(2, 3, 7);
        await socket.SendAsync(output.WrittenMemory, SocketFlags.None, TestContext.Current.CancellationToken);
        var buffer = new ReadOnlySequence<byte>(await ReadToEndAsync(socket));
        Assert.Equal(OperationStatus.Done, FrameReader.TryRead(ref buffer, 4096, out var frame));
        Assert.Equal(ErrorCode.UnsupportedVersion, FrameBodies.ReadError(frame.Body.FirstSpan, out var message));
        Assert.Contains("2-3", message, StringComparison.Ordinal);
    }

    private static async Task<byte[]> ReadToEndAsync(Socket socket)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var all = new List<byte>();
        var chunk = new byte[4096];
        while (true)
        {
            var n = await socket.ReceiveAsync(chunk, SocketFlags.None, timeout.Token);
            if (n == 0)
            {
                return [.. all];
            }
            all.AddRange(chunk.AsSpan(0, n));
        }
    }
}
