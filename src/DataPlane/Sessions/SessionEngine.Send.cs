using TcpShadow.DataPlane.Packets;
using TcpShadow.DataPlane.Sending;

namespace TcpShadow.DataPlane.Sessions;

public sealed partial class SessionEngine<TSender>
{
    /// <summary>Sends what the gate and the target's window allow: data, then a FIN or a reset the client sent.</summary>
    private void TrySend(Session s, long nowUs)
    {
        if (s.State != SessionState.Established)
        {
            return;
        }
        Release(s, nowUs);
        var limit = s.ReqReleased < s.ReqTail ? s.RequestStart(s.ReqReleased) : s.CapturedEnd;
        // A zero window still lets one segment out as a probe when nothing is in flight (RFC 9293 3.8.6.1).
        var window = s.TargetWindow == 0 && s.SndUna == s.SndNxt ? 1u : s.TargetWindow;
        var windowEnd = s.SndUna + window;
        while (SeqLt(s.SndNxt, limit) && SeqLt(s.SndNxt, windowEnd))
        {
            var length = (int)Math.Min(Math.Min(limit - s.SndNxt, windowEnd - s.SndNxt), (uint)s.SendMss);
            var push = s.SndNxt + (uint)length == limit;
            SendData(s, s.SndNxt, length, push);
            if (!s.RttTiming)
            {
                s.RttTiming = true;
                s.RttSeq = s.SndNxt + (uint)length;
                s.RttSentUs = nowUs;
            }
            s.SndNxt += (uint)length;
            if (s.RtoDeadline == long.MaxValue)
            {
                s.RtoDeadline = nowUs + s.RtoUs;
            }
        }
        if (s.FinCaptured && !s.FinSent && s.SndNxt == s.FinSeq && s.SndNxt == s.CapturedEnd && s.ReqReleased == s.ReqTail
            && TailReleasable(s, nowUs))
        {
            if (s.RstPending)
            {
                SendControl(s, s.SndNxt, TcpFlags.Rst | TcpFlags.Ack);
                Finish(s, reason: null);
                EnterLinger(s, nowUs);
                return;
            }
            SendControl(s, s.FinSeq, TcpFlags.Fin | TcpFlags.Ack);
            s.FinSent = true;
            s.SndNxt = s.FinSeq + 1;
            if (s.RtoDeadline == long.MaxValue)
            {
                s.RtoDeadline = nowUs + s.RtoUs;
            }
        }
    }

    /// <summary>Opens the gate for the next request once the target has answered the previous one.</summary>
    private void Release(Session s, long nowUs)
    {
        while (s.ReqReleased < s.ReqTail)
        {
            if (s.ReqReleased > 0)
            {
                var start = s.RequestStart(s.ReqReleased);
                if (s.SndUna != start || !PreviousAnswered(s, nowUs))
                {
                    return;
                }
            }
            s.ReqReleased++;
            s.ResponseSinceRelease = false;
            s.ResponsePushed = false;
        }
    }

    /// <summary>Whether a FIN or reset that followed a response may go: everything is acked and the target is done answering.</summary>
    private bool TailReleasable(Session s, long nowUs)
    {
        if (!s.FinGated)
        {
            return true;
        }
        return s.SndUna == s.FinSeq && PreviousAnswered(s, nowUs);
    }

    private bool PreviousAnswered(Session s, long nowUs)
    {
        if (!_options.GateRequests || s.TargetFin)
        {
            return true;
        }
        if (s.ResponseSinceRelease)
        {
            // A pushed response needs no quiet period; an unpushed one may still be streaming.
            return s.ResponsePushed || nowUs - s.LastResponseUs >= Quiet(s);
        }
        if (nowUs - s.WaitStartUs >= _responseWaitUs)
        {
            Counters.RequestsReleasedWithoutResponse++;
            return true;
        }
        return false;
    }

    private long Quiet(Session s) => s.QuietUs != 0 ? s.QuietUs : _minQuietUs;

    /// <summary>When the gate may open by the passage of time alone, or long.MaxValue.</summary>
    private long GateDeadline(Session s)
    {
        if (!_options.GateRequests || s.State != SessionState.Established || s.TargetFin)
        {
            return long.MaxValue;
        }
        var waiting = (s.ReqReleased < s.ReqTail && s.SndUna == s.RequestStart(s.ReqReleased) && s.ReqReleased > 0)
            || (s.FinCaptured && !s.FinSent && s.FinGated && s.SndUna == s.FinSeq && s.ReqReleased == s.ReqTail);
        if (!waiting)
        {
            return long.MaxValue;
        }
        return s.ResponseSinceRelease ? s.LastResponseUs + Quiet(s) : s.WaitStartUs + _responseWaitUs;
    }

    private void SendSyn(Session s, long nowUs)
    {
        var spec = new TcpSegmentSpec
        {
            Key = s.TargetKey,
            Sequence = s.ClientIsn,
            Flags = TcpFlags.Syn,
            Window = s.ClientWindow,
            Options = s.SynOptions.AsSpan(0, s.SynOptionsLength),
            IpId = s.IpId++,
        };
        Emit(s, spec);
        s.RttSentUs = nowUs;
        s.RtoDeadline = nowUs + s.RtoUs;
    }

    private void SendData(Session s, uint seq, int length, bool push)
    {
        var offset = s.BufferHead + (int)(seq - s.SndUna);
        var spec = new TcpSegmentSpec
        {
            Key = s.TargetKey,
            Sequence = seq,
            Ack = s.RcvNxt,
            Flags = push ? TcpFlags.Ack | TcpFlags.Psh : TcpFlags.Ack,
            Window = s.ClientWindow,
            TimestampsOption = s.TsOk,
            TsVal = s.ClientTsVal,
            TsEcr = s.TargetTsVal,
            Payload = s.Buffer.AsSpan(offset, length),
            IpId = s.IpId++,
        };
        Emit(s, spec);
        AckSent(s);
    }

    private void SendControl(Session s, uint seq, TcpFlags flags)
    {
        var spec = new TcpSegmentSpec
        {
            Key = s.TargetKey,
            Sequence = seq,
            Ack = s.RcvNxt,
            Flags = flags,
            Window = (flags & TcpFlags.Rst) != 0 ? (ushort)0 : s.ClientWindow,
            TimestampsOption = s.TsOk && (flags & TcpFlags.Rst) == 0,
            TsVal = s.ClientTsVal,
            TsEcr = s.TargetTsVal,
            IpId = s.IpId++,
        };
        Emit(s, spec);
        if ((flags & TcpFlags.Ack) != 0)
        {
            AckSent(s);
        }
    }

    /// <summary>Sends what the sender queued this iteration; the shard calls it before it sleeps.</summary>
    public void FlushSends()
    {
        var failed = _sender.Flush(out var errno);
        if (failed > 0)
        {
            Counters.SendErrors += failed;
            Counters.PacketsSent -= failed;
            Counters.Drops[(int)DropReason.SendError] += failed;
            Counters.LastSendErrno = errno;
        }
    }

    private void Emit(Session s, scoped in TcpSegmentSpec spec)
    {
        var length = TcpPacketBuilder.Write(_packet, spec);
        var errno = _sender.Send(_packet.AsSpan(0, length), s.TargetKey.Server);
        if (errno != 0)
        {
            Counters.SendErrors++;
            Counters.LastSendErrno = errno;
            Counters.Drops[(int)DropReason.SendError]++;
            return;
        }
        Counters.PacketsSent++;
        Counters.BytesSent += length;
    }

    private static void AckSent(Session s)
    {
        s.AckPending = false;
        s.AckDeadline = long.MaxValue;
        s.LastAckSent = s.RcvNxt;
    }

    /// <summary>Acknowledges target data at the end of this batch of responses (unless a data segment carries it first).</summary>
    private void MarkAckPending(Session s)
    {
        s.AckPending = true;
        if (!s.AckListed)
        {
            s.AckListed = true;
            _ackPending.Add(new SessionRef(s, s.Generation));
        }
    }

    /// <summary>
    /// Delays the ACK of one small response segment, as a Linux client in request/response (pingpong) mode does, so the
    /// next request carries it: one packet per request instead of two. More than one full segment is acked at once.
    /// </summary>
    private void DelayAck(Session s, long nowUs)
    {
        // Linux acks at once when more than one full segment is unacknowledged (__tcp_ack_snd_check).
        if ((int)(s.RcvNxt - s.LastAckSent) > s.SendMss)
        {
            MarkAckPending(s);
            return;
        }
        s.AckPending = true;
        if (s.AckDeadline == long.MaxValue)
        {
            s.AckDeadline = nowUs + DelayedAckUs;
        }
    }

    /// <summary>
    /// Acknowledges target data that no outgoing segment carried an ack for. The shard calls this after draining a batch
    /// of responses, so several response segments of one session cost one ACK.
    /// </summary>
    public void FlushAcks(long nowUs)
    {
        var pending = _ackPending;
        for (var i = 0; i < pending.Count; i++)
        {
            var entry = pending[i];
            if (!entry.IsLive)
            {
                continue;
            }
            entry.Session.AckListed = false;
            if (entry.Session.AckPending)
            {
                SendControl(entry.Session, entry.Session.SndNxt, TcpFlags.Ack);
            }
        }
        pending.Clear();
    }

    private void Complete(Session s, long nowUs)
    {
        Counters.SessionsCompleted++;
        Finish(s, reason: null);
        EnterLinger(s, nowUs);
    }
}
