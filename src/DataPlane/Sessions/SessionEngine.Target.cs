using System.Buffers.Binary;
using TcpShadow.DataPlane.Packets;
using TcpShadow.DataPlane.Sending;

namespace TcpShadow.DataPlane.Sessions;

public sealed partial class SessionEngine<TSender>
{
    /// <summary>
    /// Handles one response record from intercept: the target's IP header and TCP header, possibly followed by a
    /// payload prefix. The IP length field is as the target sent it, so the payload length is known without the payload.
    /// </summary>
    public void OnResponse(ReadOnlySpan<byte> record, long nowUs)
    {
        Counters.Responses++;
        if (!TryReadResponse(record, out var key, out var tcpOffset, out var payloadLength))
        {
            Counters.Drops[(int)DropReason.TruncatedTcpHeader]++;
            return;
        }
        if (!_byTarget.TryGetValue(key, out var s))
        {
            Counters.ResponsesNoSession++;
            return;
        }
        var tcp = new TcpHeader(record[tcpOffset..]);
        var flags = tcp.Flags;
        TcpOptions options = default;
        var hasOptions = tcp.HeaderLength > TcpHeader.MinLength && TcpOptionReader.TryRead(tcp.Options, out options);

        switch (s.State)
        {
            case SessionState.SynSent:
                OnSynSentResponse(s, tcp, flags, hasOptions, options, nowUs);
                break;
            case SessionState.Established:
                OnEstablishedResponse(s, tcp, flags, hasOptions, options, payloadLength, nowUs);
                break;
            default:
                // Lingering: re-acknowledge a retransmitted FIN or data so the target can finish too.
                if ((flags & TcpFlags.Rst) == 0 && (payloadLength > 0 || (flags & (TcpFlags.Fin | TcpFlags.Syn)) != 0))
                {
                    MarkAckPending(s);
                }
                Counters.ResponsesStale++;
                break;
        }
        Schedule(s);
    }

    private static bool TryReadResponse(ReadOnlySpan<byte> record, out FlowKey key, out int tcpOffset, out int payloadLength)
    {
        key = default;
        tcpOffset = 0;
        payloadLength = 0;
        if (record.IsEmpty)
        {
            return false;
        }
        var version = record[0] >> 4;
        int ipHeaderLength;
        int ipPayload;
        FlowAddress source;
        FlowAddress destination;
        if (version == 4)
        {
            if ((uint)record.Length < Ipv4Header.MinLength)
            {
                return false;
            }
            var ip = new Ipv4Header(record);
            ipHeaderLength = ip.HeaderLength;
            ipPayload = ip.TotalLength - ipHeaderLength;
            source = FlowAddress.FromV4(ip.Source);
            destination = FlowAddress.FromV4(ip.Destination);
        }
        else if (version == 6)
        {
            if ((uint)record.Length < Ipv6Header.Length)
            {
                return false;
            }
            var ip = new Ipv6Header(record);
            ipHeaderLength = Ipv6Header.Length;
            ipPayload = ip.PayloadLength;
            source = FlowAddress.FromV6Bytes(ip.Source);
            destination = FlowAddress.FromV6Bytes(ip.Destination);
        }
        else
        {
            return false;
        }
        if (ipHeaderLength < Ipv4Header.MinLength || (uint)(ipHeaderLength + TcpHeader.MinLength) > (uint)record.Length)
        {
            return false;
        }
        var tcp = record[ipHeaderLength..];
        var tcpHeaderLength = (tcp[TcpHeader.DataOffsetOffset] >> 4) * 4;
        if (tcpHeaderLength < TcpHeader.MinLength || tcpHeaderLength > tcp.Length || ipPayload < tcpHeaderLength)
        {
            return false;
        }
        tcpOffset = ipHeaderLength;
        payloadLength = ipPayload - tcpHeaderLength;
        // The response travels target → client: its destination is the (fake) client.
        key = new FlowKey(destination, BinaryPrimitives.ReadUInt16BigEndian(tcp[TcpHeader.DestinationPortOffset..]),
            source, BinaryPrimitives.ReadUInt16BigEndian(tcp));
        return true;
    }

    private void OnSynSentResponse(Session s, TcpHeader tcp, TcpFlags flags, bool hasOptions, in TcpOptions options, long nowUs)
    {
        var synAck = s.ClientIsn + 1;
        if ((flags & TcpFlags.Ack) == 0 || tcp.Ack != synAck)
        {
            if ((flags & (TcpFlags.Ack | TcpFlags.Rst | TcpFlags.Syn)) == TcpFlags.Ack && s.Retries < _options.MaxRetransmits)
            {
                // An ACK for an older incarnation: the target holds this 4-tuple in TIME_WAIT and refused our SYN.
                // A real client answers with a reset (RFC 9293 3.10.7.3), which frees the tuple; then the SYN goes again.
                Counters.TimeWaitResets++;
                SendControl(s, tcp.Ack, TcpFlags.Rst);
                SendSyn(s, nowUs);
            }
            else
            {
                Counters.ResponsesStale++;
            }
            return;
        }
        if ((flags & TcpFlags.Rst) != 0)
        {
            Counters.SessionsReset++;
            Finish(s, LossReason.HandshakeFailed);
            EnterLinger(s, nowUs);
            return;
        }
        if ((flags & TcpFlags.Syn) == 0)
        {
            Counters.ResponsesStale++;
            return;
        }
        s.RcvNxt = tcp.Sequence + 1;
        s.SndUna = s.SndNxt = synAck;
        s.TargetWindow = tcp.Window;
        var mss = 536;
        var wscale = false;
        if (hasOptions)
        {
            if (options.HasMss)
            {
                mss = options.Mss;
            }
            wscale = options.HasWindowScale;
            s.TargetWscale = options.WindowScale;
            s.TsOk = s.ClientTs && options.HasTimestamps;
            s.TargetTsVal = options.TsVal;
        }
        s.WscaleOk &= wscale;
        var pathMss = _options.Mtu - (s.TargetKey.Client.IsIPv4 ? Ipv4Header.MinLength : Ipv6Header.Length) - TcpHeader.MinLength;
        s.SendMss = Math.Max(64, Math.Min(mss, pathMss) - (s.TsOk ? TcpPacketBuilder.TimestampsOptionLength : 0));
        if (s.Retries == 0)
        {
            SampleRtt(s, nowUs - s.RttSentUs);
        }
        s.Retries = 0;
        s.RtoDeadline = long.MaxValue;
        s.RtoUs = Math.Max(s.RtoUs, 200_000);
        s.RttTiming = false;
        s.State = SessionState.Established;
        s.LastProgressUs = nowUs;
        Counters.SessionsEstablished++;
        // Captured data that may go completes the handshake itself; otherwise the third segment is a pure ACK.
        var sent = Counters.PacketsSent + Counters.SendErrors;
        TrySend(s, nowUs);
        if (Counters.PacketsSent + Counters.SendErrors == sent)
        {
            SendControl(s, s.SndNxt, TcpFlags.Ack);
        }
    }

    private void OnEstablishedResponse(Session s, TcpHeader tcp, TcpFlags flags, bool hasOptions, in TcpOptions options, int payloadLength, long nowUs)
    {
        if ((flags & TcpFlags.Rst) != 0)
        {
            // Accept a reset only inside the window we expect (RFC 5961 style), so stale resets of an old incarnation pass by.
            if (tcp.Sequence == s.RcvNxt || (SeqGeq(tcp.Sequence, s.RcvNxt) && SeqLt(tcp.Sequence, s.RcvNxt + 65536)))
            {
                Counters.SessionsReset++;
                Finish(s, LossReason.TargetReset);
                EnterLinger(s, nowUs);
            }
            else
            {
                Counters.ResponsesStale++;
            }
            return;
        }
        if ((flags & TcpFlags.Syn) != 0)
        {
            // A retransmitted SYN-ACK: our third ACK was lost.
            MarkAckPending(s);
            return;
        }
        if (hasOptions && options.HasTimestamps && s.TsOk && (int)(options.TsVal - s.TargetTsVal) >= 0)
        {
            s.TargetTsVal = options.TsVal;
        }
        if ((flags & TcpFlags.Ack) != 0)
        {
            OnAck(s, tcp.Ack, tcp.Window, nowUs);
        }
        var segmentLength = (uint)payloadLength + ((flags & TcpFlags.Fin) != 0 ? 1u : 0u);
        if (segmentLength > 0)
        {
            var end = tcp.Sequence + segmentLength;
            if (SeqLeq(tcp.Sequence, s.RcvNxt) && SeqGt(end, s.RcvNxt))
            {
                s.RcvNxt = end;
                s.ResponseSinceRelease = true;
                // PSH ends the data of one send() on the target: a whole response, as far as the headers can tell.
                s.ResponsePushed |= (flags & (TcpFlags.Psh | TcpFlags.Fin)) != 0;
                s.LastResponseUs = nowUs;
                s.LastProgressUs = nowUs;
                if ((flags & TcpFlags.Fin) != 0)
                {
                    s.TargetFin = true;
                }
                // A FIN's ACK waits too: the client's own FIN, captured a round trip later, carries it (one packet less
                // per connection: 4.1 → 3.1 sent per new-connection request).
                DelayAck(s, nowUs);
            }
            else
            {
                // A segment we already acknowledged came again: our ACK was lost, so repeat it now.
                MarkAckPending(s);
            }
        }
        TrySend(s, nowUs);
        if (s.TargetFin && s.FinSent && s.SndUna == s.FinSeq + 1)
        {
            Complete(s, nowUs);
        }
    }

    private void OnAck(Session s, uint ack, ushort window, long nowUs)
    {
        s.TargetWindow = (uint)window << (s.WscaleOk ? s.TargetWscale : 0);
        if (!SeqGt(ack, s.SndUna) || SeqGt(ack, s.SndNxt))
        {
            return;
        }
        var dataEnd = s.CapturedEnd;
        var dataAcked = (int)((SeqLt(ack, dataEnd) ? ack : dataEnd) - s.SndUna);
        if (dataAcked > 0)
        {
            s.BufferHead += dataAcked;
        }
        s.SndUna = ack;
        if (s.FinSent && s.SndUna == s.FinSeq + 1)
        {
            s.FinAcked = true;
        }
        if (s.BufferedBytes == 0)
        {
            s.BufferHead = 0;
        }
        s.LastProgressUs = nowUs;
        if (s.RttTiming && SeqGeq(ack, s.RttSeq))
        {
            s.RttTiming = false;
            if (s.Retries == 0)
            {
                SampleRtt(s, nowUs - s.RttSentUs);
            }
        }
        s.Retries = 0;
        s.RtoDeadline = s.SndUna == s.SndNxt && !(s.FinSent && !s.FinAcked) ? long.MaxValue : nowUs + s.RtoUs;
        CountCopiedRequests(s);
        if (s.ReqReleased < s.ReqTail && s.SndUna == s.RequestStart(s.ReqReleased))
        {
            s.WaitStartUs = nowUs;
        }
        else if (s.FinCaptured && s.SndUna == s.FinSeq)
        {
            s.WaitStartUs = nowUs;
        }
    }

    private void CountCopiedRequests(Session s)
    {
        while (s.ReqTail - s.ReqHead >= 2 && SeqGeq(s.SndUna, s.RequestStart(s.ReqHead + 1)))
        {
            if (!s.HeadCounted)
            {
                Counters.RequestsCopied++;
            }
            s.HeadCounted = false;
            s.ReqHead++;
        }
        if (s.ReqTail - s.ReqHead == 1 && !s.HeadCounted && s.SndUna == s.CapturedEnd && s.ReqReleased == s.ReqTail)
        {
            Counters.RequestsCopied++;
            s.HeadCounted = true;
        }
    }

    private void SampleRtt(Session s, long rttUs)
    {
        if (rttUs <= 0)
        {
            rttUs = 1;
        }
        Counters.RttSumUs += rttUs;
        Counters.RttSamples++;
        // RFC 6298 2.2 and 2.3, with Linux's 200 ms floor on the result.
        if (s.SrttUs == 0)
        {
            s.SrttUs = rttUs;
            s.RttVarUs = rttUs / 2;
        }
        else
        {
            s.RttVarUs = (3 * s.RttVarUs + Math.Abs(s.SrttUs - rttUs)) / 4;
            s.SrttUs = (7 * s.SrttUs + rttUs) / 8;
        }
        s.RtoUs = Math.Clamp(s.SrttUs + Math.Max(1000, 4 * s.RttVarUs), 200_000, 60_000_000);
    }
}
