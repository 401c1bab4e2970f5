using TcpShadow.DataPlane.Packets;
using TcpShadow.DataPlane.Sessions;
using TcpShadow.Tests.Support;
using static TcpShadow.Tests.Sessions.EngineHarness;

namespace TcpShadow.Tests.Sessions;

public class SessionEngineTests
{
    [Fact]
    public void ClientSyn_Mapped_RegistersThenSendsSynWithClientIsnAndOptions()
    {
        var h = new EngineHarness();
        h.FromClient(SegmentFactory.Build(OnlineKey(), 1000, 0, TcpFlags.Syn, options: SegmentFactory.LinuxSynOptions(42)));

        Assert.Equal([TargetKey()], h.Registrar.Registered);
        var syn = Assert.Single(h.Sent.Packets);
        var segment = new SentSegment(syn);
        Assert.Equal(TargetKey(), segment.Key);
        Assert.Equal(1000u, segment.Seq);
        Assert.Equal(TcpFlags.Syn, segment.Flags);
        Assert.True(segment.Options.HasTimestamps);
        Assert.Equal(42u, segment.Options.TsVal);
        Assert.True(segment.Options.SackPermitted);
        Assert.Equal((byte)7, segment.Options.WindowScale);
    }

    [Fact]
    public void SynAck_FromTarget_SendsThirdAckWithTargetIsnPlusOne()
    {
        var h = new EngineHarness();
        h.Handshake(isn: 1000, targetIsn: 5000);

        var ack = h.Sent[1];
        Assert.Equal(TcpFlags.Ack, ack.Flags);
        Assert.Equal(1001u, ack.Seq);
        Assert.Equal(5001u, ack.Ack);
        Assert.Equal(1, h.Counters.SessionsEstablished);
        Assert.Equal(1, h.Counters.ClientPureAcksDropped);
        Assert.Equal(2, h.Sent.Count);
    }

    [Fact]
    public void ClientData_Established_SentWithTargetAckNotClientAck()
    {
        var h = new EngineHarness();
        h.Handshake();
        h.Sent.Clear();
        h.FromClient(SegmentFactory.Build(OnlineKey(), 1001, 9001, TcpFlags.Ack | TcpFlags.Psh, "GET /a HTTP/1.1\r\n\r\n"));

        var data = h.Sent.Last;
        Assert.Equal(1001u, data.Seq);
        Assert.Equal(5001u, data.Ack);
        Assert.Equal("GET /a HTTP/1.1\r\n\r\n", data.Payload);
        Assert.Equal(1, h.Counters.RequestsCaptured);
    }

    [Fact]
    public void SecondRequest_BeforeResponse_IsHeldUntilResponseQuiet()
    {
        var h = new EngineHarness();
        h.Handshake();
        h.FromClient(SegmentFactory.Build(OnlineKey(), 1001, 9001, TcpFlags.Ack | TcpFlags.Psh, "req1"));
        // The client saw a 100-byte response online, so its next request acks 9101.
        h.FromClient(SegmentFactory.Build(OnlineKey(), 1005, 9101, TcpFlags.Ack | TcpFlags.Psh, "req2"));
        Assert.DoesNotContain(h.Sent.Packets, p => new SentSegment(p).Payload == "req2");

        // The target acks req1 and answers with 100 bytes, not yet pushed: more may follow.
        h.FromTarget(SegmentFactory.Response(TargetKey(), 5001, 1005, TcpFlags.Ack, payloadLength: 100));
        Assert.DoesNotContain(h.Sent.Packets, p => new SentSegment(p).Payload == "req2");
        // Its ACK waits for the request that will carry it.
        Assert.NotEqual(5101u, h.Sent.Last.Ack);

        h.Advance(h.Options.MaxResponseQuiet.Ticks / 10);
        var req2 = h.Sent.Last;
        Assert.Equal("req2", req2.Payload);
        Assert.Equal(1005u, req2.Seq);
        Assert.Equal(5101u, req2.Ack);
        Assert.Equal(1, h.Counters.RequestsCopied);
    }

    [Fact]
    public void SecondRequest_ResponsePushed_ReleasedAtOnceWithPiggybackedAck()
    {
        var h = new EngineHarness();
        h.Handshake();
        h.FromClient(SegmentFactory.Build(OnlineKey(), 1001, 9001, TcpFlags.Ack | TcpFlags.Psh, "req1"));
        h.FromClient(SegmentFactory.Build(OnlineKey(), 1005, 9101, TcpFlags.Ack | TcpFlags.Psh, "req2"));
        var before = h.Sent.Count;
        h.FromTarget(SegmentFactory.Response(TargetKey(), 5001, 1005, TcpFlags.Ack | TcpFlags.Psh, payloadLength: 100));
        Assert.Equal(before + 1, h.Sent.Count);
        Assert.Equal("req2", h.Sent.Last.Payload);
        Assert.Equal(5101u, h.Sent.Last.Ack);
    }

    [Fact]
    public void SecondRequest_GateOff_SentAtOnce()
    {
        var h = new EngineHarness(new EngineOptions { GateRequests = false });
        h.Handshake();
        h.FromClient(SegmentFactory.Build(OnlineKey(), 1001, 9001, TcpFlags.Ack | TcpFlags.Psh, "req1"));
        h.FromClient(SegmentFactory.Build(OnlineKey(), 1005, 9101, TcpFlags.Ack | TcpFlags.Psh, "req2"));
        Assert.Equal("req2", h.Sent.Last.Payload);
    }

    [Fact]
    public void Request_NoResponseEver_ReleasedAfterResponseWait()
    {
        var h = new EngineHarness();
        h.Handshake();
        h.FromClient(SegmentFactory.Build(OnlineKey(), 1001, 9001, TcpFlags.Ack | TcpFlags.Psh, "req1"));
        h.FromClient(SegmentFactory.Build(OnlineKey(), 1005, 9101, TcpFlags.Ack | TcpFlags.Psh, "req2"));
        h.FromTarget(SegmentFactory.Response(TargetKey(), 5001, 1005, TcpFlags.Ack));
        h.Advance(500_000);
        Assert.NotEqual("req2", h.Sent.Last.Payload);
        h.Advance(600_000);
        Assert.Equal("req2", h.Sent.Last.Payload);
        Assert.Equal(1, h.Counters.RequestsReleasedWithoutResponse);
    }

    [Fact]
    public void Data_NotAcked_RetransmittedAfterRtoWithBackoff()
    {
        var h = new EngineHarness();
        h.Handshake();
        h.FromClient(SegmentFactory.Build(OnlineKey(), 1001, 9001, TcpFlags.Ack | TcpFlags.Psh, "req1"));
        var sent = h.Sent.Count;
        h.Advance(199_000);
        Assert.Equal(sent, h.Sent.Count);
        h.Advance(2_000);
        Assert.Equal(sent + 1, h.Sent.Count);
        Assert.Equal("req1", h.Sent.Last.Payload);
        Assert.Equal(1, h.Counters.Retransmits);
        // Backed off: nothing at +200 ms, the second copy by +400 ms.
        h.Advance(250_000);
        Assert.Equal(sent + 1, h.Sent.Count);
        h.Advance(200_000);
        Assert.Equal(sent + 2, h.Sent.Count);
    }

    [Fact]
    public void Syn_NoSynAck_RetransmittedThenLostAtLimit()
    {
        var h = new EngineHarness(new EngineOptions { MaxRetransmits = 2 });
        h.FromClient(SegmentFactory.Build(OnlineKey(), 1000, 0, TcpFlags.Syn));
        h.FromClient(SegmentFactory.Build(OnlineKey(), 1001, 9001, TcpFlags.Ack | TcpFlags.Psh, "req1"));
        h.Advance(1_000_001);
        Assert.Equal(2, h.Sent.Count);
        Assert.Equal(TcpFlags.Syn, h.Sent.Last.Flags);
        Assert.Equal(1, h.Counters.SynRetransmits);
        h.Advance(2_000_001);
        h.Advance(4_000_001);
        Assert.Equal(1, h.Counters.RequestsLost);
        Assert.Equal(1, h.Counters.Lost[(int)LossReason.HandshakeFailed]);
    }

    [Fact]
    public void NewSyn_SameTupleDifferentIsn_RetiresOldAndOpensNew()
    {
        var h = new EngineHarness();
        h.Handshake(isn: 1000);
        h.FromClient(SegmentFactory.Build(OnlineKey(), 1001, 9001, TcpFlags.Ack | TcpFlags.Psh, "req1"));
        h.FromTarget(SegmentFactory.Response(TargetKey(), 5001, 1005, TcpFlags.Ack | TcpFlags.Psh, payloadLength: 10));
        h.Sent.Clear();

        h.FromClient(SegmentFactory.Build(OnlineKey(), 777_000, 0, TcpFlags.Syn));

        Assert.Equal(1, h.Counters.SessionsSuperseded);
        Assert.Equal(TcpFlags.Rst | TcpFlags.Ack, h.Sent[0].Flags);
        Assert.Equal(TcpFlags.Syn, h.Sent.Last.Flags);
        Assert.Equal(777_000u, h.Sent.Last.Seq);
        Assert.Equal(1, h.Counters.RequestsCopied);
        Assert.Equal(0, h.Counters.RequestsLost);
    }

    [Fact]
    public void SynSent_TargetInTimeWaitAcksOldConnection_ResetsThatAndResendsSyn()
    {
        var h = new EngineHarness();
        h.FromClient(SegmentFactory.Build(OnlineKey(), 1000, 0, TcpFlags.Syn));
        h.Sent.Clear();
        h.FromTarget(SegmentFactory.Response(TargetKey(), 88_888, 55_555, TcpFlags.Ack));

        Assert.Equal(TcpFlags.Rst, h.Sent[0].Flags);
        Assert.Equal(55_555u, h.Sent[0].Seq);
        Assert.Equal(TcpFlags.Syn, h.Sent[1].Flags);
        Assert.Equal(1, h.Counters.TimeWaitResets);
    }

    [Fact]
    public void BothFins_Exchanged_CompletesLingersThenUnregisters()
    {
        var h = new EngineHarness();
        h.Handshake();
        h.FromClient(SegmentFactory.Build(OnlineKey(), 1001, 9001, TcpFlags.Ack | TcpFlags.Psh, "req1"));
        // Target answers and closes (HTTP Connection: close), then the client closes after reading the response.
        var before = h.Sent.Count;
        h.FromTarget(SegmentFactory.Response(TargetKey(), 5001, 1005, TcpFlags.Ack | TcpFlags.Psh | TcpFlags.Fin, payloadLength: 20));
        // The ACK of the target's FIN waits for the client's FIN to carry it.
        Assert.Equal(before, h.Sent.Count);
        h.FromClient(SegmentFactory.Build(OnlineKey(), 1005, 9022, TcpFlags.Ack | TcpFlags.Fin));
        Assert.Equal(before + 1, h.Sent.Count);
        var fin = h.Sent.Last;
        Assert.Equal(TcpFlags.Fin | TcpFlags.Ack, fin.Flags);
        Assert.Equal(1005u, fin.Seq);
        Assert.Equal(5022u, fin.Ack);
        h.FromTarget(SegmentFactory.Response(TargetKey(), 5022, 1006, TcpFlags.Ack));

        Assert.Equal(1, h.Counters.SessionsCompleted);
        Assert.Equal(1, h.Counters.RequestsCopied);
        Assert.Empty(h.Registrar.Unregistered);
        h.Advance(2_100_000);
        Assert.Equal([TargetKey()], h.Registrar.Unregistered);
        Assert.Equal(0, h.Engine.ActiveSessions);
    }

    [Fact]
    public void TargetReset_WithRequestUnacked_CountsLostWithReason()
    {
        var h = new EngineHarness();
        h.Handshake();
        h.FromClient(SegmentFactory.Build(OnlineKey(), 1001, 9001, TcpFlags.Ack | TcpFlags.Psh, "req1"));
        h.FromTarget(SegmentFactory.Response(TargetKey(), 5001, 0, TcpFlags.Rst));
        Assert.Equal(1, h.Counters.SessionsReset);
        Assert.Equal(1, h.Counters.RequestsLost);
        Assert.Equal(1, h.Counters.Lost[(int)LossReason.TargetReset]);
    }

    [Fact]
    public void ClientPool_TwoClientsSamePort_NeverShareARewrittenTuple()
    {
        var pool = new ClientAddressPool([Addr("198.18.100.1"), Addr("198.18.100.2")]);
        var h = new EngineHarness(pool: pool);
        h.FromClient(SegmentFactory.Build(OnlineKey(40000, Addr("198.18.1.2")), 1000, 0, TcpFlags.Syn));
        h.FromClient(SegmentFactory.Build(OnlineKey(40000, Addr("198.18.1.3")), 2000, 0, TcpFlags.Syn));
        Assert.Equal(2, h.Registrar.Registered.Count);
        Assert.NotEqual(h.Registrar.Registered[0], h.Registrar.Registered[1]);
        Assert.All(h.Registrar.Registered, k => Assert.StartsWith("198.18.100.", k.Client.ToString(), StringComparison.Ordinal));
        Assert.Equal(h.Registrar.Registered[1], h.Sent.Last.Key);
    }

    [Fact]
    public void Timestamps_Negotiated_EchoTargetTsValAndCarryClientTsVal()
    {
        var h = new EngineHarness();
        h.Handshake(timestamps: true);
        h.FromClient(SegmentFactory.Build(OnlineKey(), 1001, 9001, TcpFlags.Ack | TcpFlags.Psh, "req1", timestamps: true, tsVal: 150, tsEcr: 1));
        var data = h.Sent.Last;
        Assert.True(data.Options.HasTimestamps);
        Assert.Equal(150u, data.Options.TsVal);
        Assert.Equal(7000u, data.Options.TsEcr);
    }

    [Fact]
    public void ClientSack_OnPureAck_IsNotForwarded()
    {
        var h = new EngineHarness();
        h.Handshake();
        var sack = new byte[] { 1, 1, 5, 10, 0, 0, 0x23, 0x28, 0, 0, 0x27, 0x10 };
        var before = h.Sent.Count;
        h.FromClient(SegmentFactory.Build(OnlineKey(), 1001, 9001, TcpFlags.Ack, options: sack));
        Assert.Equal(before, h.Sent.Count);
        Assert.Equal(2, h.Counters.ClientPureAcksDropped);
    }

    [Fact]
    public void LargeRequest_SplitToTargetMss_AndHeldByTargetWindow()
    {
        var h = new EngineHarness();
        h.FromClient(SegmentFactory.Build(OnlineKey(), 1000, 0, TcpFlags.Syn));
        // The target offers MSS 1000 and a 2500-byte window (no scaling).
        h.FromTarget(SegmentFactory.Response(TargetKey(), 5000, 1001, TcpFlags.Syn | TcpFlags.Ack, options: [2, 4, 0x03, 0xE8], window: 2500));
        h.Sent.Clear();
        h.FromClient(SegmentFactory.Build(OnlineKey(), 1001, 9001, TcpFlags.Ack | TcpFlags.Psh, new string('p', 1400)));
        h.FromClient(SegmentFactory.Build(OnlineKey(), 2401, 9001, TcpFlags.Ack | TcpFlags.Psh, new string('q', 1400)));
        // Each captured segment goes as soon as it arrives, cut to the MSS, and the window stops the last 300 bytes.
        Assert.Equal([1000, 400, 1000, 100], h.Sent.Packets.Select(p => new SentSegment(p).PayloadLength));
        h.FromTarget(SegmentFactory.Response(TargetKey(), 5001, 3501, TcpFlags.Ack, window: 2500));
        Assert.Equal(300, h.Sent.Last.PayloadLength);
        Assert.Equal(3501u, h.Sent.Last.Seq);
    }

    [Fact]
    public void ResponseForUnknownTuple_IsCountedNotFatal()
    {
        var h = new EngineHarness();
        h.FromTarget(SegmentFactory.Response(TargetKey(41000), 5000, 1, TcpFlags.Ack));
        h.FromTarget([0x45, 0, 0]);
        h.FromTarget([]);
        Assert.Equal(1, h.Counters.ResponsesNoSession);
        Assert.Equal(2, h.Counters.Drops[(int)DropReason.TruncatedTcpHeader]);
    }

    [Fact]
    public void SendFailure_IsCountedAndNotFatal()
    {
        var h = new EngineHarness();
        h.Sent.FailNext = 1;
        h.FromClient(SegmentFactory.Build(OnlineKey(), 1000, 0, TcpFlags.Syn));
        Assert.Equal(1, h.Counters.SendErrors);
        h.Advance(1_000_001);
        Assert.Equal(TcpFlags.Syn, h.Sent.Last.Flags);
    }

    [Fact]
    public void Unmapped_Port_IsDropped()
    {
        var h = new EngineHarness();
        h.FromClient(SegmentFactory.Build(new FlowKey(Client, 40000, Online, 81), 1000, 0, TcpFlags.Syn));
        Assert.Empty(h.Sent.Packets);
        Assert.Equal(1, h.Counters.Drops[(int)DropReason.NotMapped]);
    }

    [Fact]
    public void NewSyn_WhileOldCopyStillReplaying_WaitsForItThenStarts()
    {
        var h = new EngineHarness();
        h.Handshake(isn: 1000);
        h.FromClient(SegmentFactory.Build(OnlineKey(), 1001, 9001, TcpFlags.Ack | TcpFlags.Psh, "req1"));
        h.FromClient(SegmentFactory.Build(OnlineKey(), 1005, 9021, TcpFlags.Ack | TcpFlags.Fin));
        // The client already reused the port; the copy of its first connection has not been answered yet.
        h.FromClient(SegmentFactory.Build(OnlineKey(), 900_000, 0, TcpFlags.Syn));
        h.FromClient(SegmentFactory.Build(OnlineKey(), 900_001, 1, TcpFlags.Ack | TcpFlags.Psh, "req2"));
        Assert.Equal(1, h.Counters.SessionsDeferred);
        Assert.DoesNotContain(h.Sent.Packets, p => new SentSegment(p).Seq == 900_000u);

        // The target answers req1 and closes; our FIN goes and is acked: the first copy is done.
        h.FromTarget(SegmentFactory.Response(TargetKey(), 5001, 1005, TcpFlags.Ack | TcpFlags.Psh | TcpFlags.Fin, payloadLength: 20));
        h.FromTarget(SegmentFactory.Response(TargetKey(), 5022, 1006, TcpFlags.Ack));
        Assert.Equal(1, h.Counters.SessionsCompleted);
        var syn = h.Sent.Last;
        Assert.Equal(TcpFlags.Syn, syn.Flags);
        Assert.Equal(900_000u, syn.Seq);

        h.FromTarget(SegmentFactory.Response(TargetKey(), 70_000, 900_001, TcpFlags.Syn | TcpFlags.Ack, options: [2, 4, 0x05, 0xB4]));
        Assert.Equal("req2", h.Sent.Last.Payload);
        Assert.Equal(0, h.Counters.RequestsLost);
        Assert.Equal(0, h.Counters.SessionsSuperseded);
    }

    [Fact]
    public void NewSyn_OldCopyFinished_RetiresAtOnce()
    {
        var h = new EngineHarness();
        h.Handshake(isn: 1000);
        h.FromClient(SegmentFactory.Build(OnlineKey(), 1001, 9001, TcpFlags.Ack | TcpFlags.Psh, "req1"));
        h.FromTarget(SegmentFactory.Response(TargetKey(), 5001, 1005, TcpFlags.Ack | TcpFlags.Psh, payloadLength: 20));
        h.FromClient(SegmentFactory.Build(OnlineKey(), 900_000, 0, TcpFlags.Syn));
        Assert.Equal(0, h.Counters.SessionsDeferred);
        Assert.Equal(TcpFlags.Syn, h.Sent.Last.Flags);
        Assert.Equal(0, h.Counters.RequestsLost);
    }

    [Fact]
    public void ResponseSegment_NoRequestFollows_AckedAfterDelayedAckTimeout()
    {
        var h = new EngineHarness();
        h.Handshake();
        h.FromClient(SegmentFactory.Build(OnlineKey(), 1001, 9001, TcpFlags.Ack | TcpFlags.Psh, "req1"));
        h.FromTarget(SegmentFactory.Response(TargetKey(), 5001, 1005, TcpFlags.Ack | TcpFlags.Psh, payloadLength: 100));
        var before = h.Sent.Count;
        h.Advance(39_000);
        Assert.Equal(before, h.Sent.Count);
        h.Advance(2_000);
        Assert.Equal(before + 1, h.Sent.Count);
        Assert.Equal(TcpFlags.Ack, h.Sent.Last.Flags);
        Assert.Equal(5101u, h.Sent.Last.Ack);
    }

    [Fact]
    public void TwoFullResponseSegments_AckedAtOnce()
    {
        var h = new EngineHarness();
        h.Handshake();
        h.FromClient(SegmentFactory.Build(OnlineKey(), 1001, 9001, TcpFlags.Ack | TcpFlags.Psh, "req1"));
        h.FromTarget(SegmentFactory.Response(TargetKey(), 5001, 1005, TcpFlags.Ack, payloadLength: 1460));
        var before = h.Sent.Count;
        h.FromTarget(SegmentFactory.Response(TargetKey(), 6461, 1005, TcpFlags.Ack, payloadLength: 1460));
        Assert.Equal(before + 1, h.Sent.Count);
        Assert.Equal(7921u, h.Sent.Last.Ack);
    }

    [Fact]
    public void RetransmittedResponse_AlreadyAcked_AckedAgainAtOnce()
    {
        var h = new EngineHarness();
        h.Handshake();
        h.FromClient(SegmentFactory.Build(OnlineKey(), 1001, 9001, TcpFlags.Ack | TcpFlags.Psh, "req1"));
        h.FromTarget(SegmentFactory.Response(TargetKey(), 5001, 1005, TcpFlags.Ack | TcpFlags.Psh, payloadLength: 100));
        h.Advance(41_000);
        var before = h.Sent.Count;
        h.FromTarget(SegmentFactory.Response(TargetKey(), 5001, 1005, TcpFlags.Ack | TcpFlags.Psh, payloadLength: 100));
        Assert.Equal(before + 1, h.Sent.Count);
        Assert.Equal(5101u, h.Sent.Last.Ack);
    }

    [Fact]
    public void CaptureGap_DataBeyondIt_EachRequestCountedLost()
    {
        var h = new EngineHarness();
        h.Handshake();
        h.FromClient(SegmentFactory.Build(OnlineKey(), 1001, 9001, TcpFlags.Ack | TcpFlags.Psh, "req1"));
        // req2 (seq 1005) was never captured; req3 and a second segment of it arrive.
        h.FromClient(SegmentFactory.Build(OnlineKey(), 1009, 9201, TcpFlags.Ack, "req3a"));
        h.FromClient(SegmentFactory.Build(OnlineKey(), 1014, 9201, TcpFlags.Ack | TcpFlags.Psh, "req3b"));
        h.FromClient(SegmentFactory.Build(OnlineKey(), 1019, 9301, TcpFlags.Ack | TcpFlags.Psh, "req4"));
        Assert.Equal(2, h.Counters.Lost[(int)LossReason.CaptureGap]);
        Assert.Equal(3, h.Counters.Drops[(int)DropReason.OutOfOrder]);
    }

    [Fact]
    public void TargetReset_ClientKeepsSending_EachNewRequestCountedLost()
    {
        var h = new EngineHarness();
        h.Handshake();
        h.FromClient(SegmentFactory.Build(OnlineKey(), 1001, 9001, TcpFlags.Ack | TcpFlags.Psh, "req1"));
        h.FromTarget(SegmentFactory.Response(TargetKey(), 5001, 0, TcpFlags.Rst));
        h.FromClient(SegmentFactory.Build(OnlineKey(), 1005, 9101, TcpFlags.Ack | TcpFlags.Psh, "req2"));
        h.FromClient(SegmentFactory.Build(OnlineKey(), 1009, 9201, TcpFlags.Ack | TcpFlags.Psh, "req3"));
        Assert.Equal(3, h.Counters.RequestsLost);
        Assert.Equal(3, h.Counters.Lost[(int)LossReason.TargetReset]);
    }

    [Fact]
    public void RetransmitDue_WhileResponsesUnread_IsHeldNotCounted()
    {
        var h = new EngineHarness();
        h.Handshake();
        h.FromClient(SegmentFactory.Build(OnlineKey(), 1001, 9001, TcpFlags.Ack | TcpFlags.Psh, "req1"));
        var sent = h.Sent.Count;
        h.Engine.HoldRetransmits = true;
        h.Advance(300_000);
        Assert.Equal(sent, h.Sent.Count);
        Assert.Equal(0, h.Counters.Retransmits);
        // The ack was among the unread responses.
        h.Engine.HoldRetransmits = false;
        h.FromTarget(SegmentFactory.Response(TargetKey(), 5001, 1005, TcpFlags.Ack));
        h.Advance(2_000);
        Assert.Equal(0, h.Counters.Retransmits);
    }
}
