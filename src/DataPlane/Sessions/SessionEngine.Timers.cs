using TcpShadow.DataPlane.Packets;

namespace TcpShadow.DataPlane.Sessions;

public sealed partial class SessionEngine<TSender>
{
    /// <summary>Runs every timer due at or before <paramref name="nowUs"/>, and once a second the timeout sweep.</summary>
    public void OnTimer(long nowUs)
    {
        if (nowUs >= _nextSweepUs)
        {
            _nextSweepUs = nowUs + SweepIntervalUs;
            Sweep(nowUs);
        }
        while (_timers.TryPeek(out var entry, out var at) && at <= nowUs)
        {
            _timers.Dequeue();
            var s = entry.Session;
            if (!entry.IsLive || s.ScheduledAt != at)
            {
                continue;
            }
            s.ScheduledAt = long.MaxValue;
            HandleTimer(s, nowUs);
            if (entry.IsLive)
            {
                Schedule(s);
            }
        }
        DropStaleTop();
    }

    /// <summary>
    /// Pops entries at the top of the heap that no longer stand for a deadline (the ACK was piggybacked, the data acked,
    /// the session freed), so the shard sleeps until a real one instead of waking for nothing.
    /// </summary>
    private void DropStaleTop()
    {
        while (_timers.TryPeek(out var entry, out var at))
        {
            var s = entry.Session;
            if (entry.IsLive && s.ScheduledAt == at && NextDeadlineOf(s) <= at)
            {
                return;
            }
            _timers.Dequeue();
            if (entry.IsLive && s.ScheduledAt == at)
            {
                s.ScheduledAt = long.MaxValue;
                Schedule(s);
            }
        }
    }

    private void HandleTimer(Session s, long nowUs)
    {
        if (s.State == SessionState.Lingering)
        {
            if (nowUs >= s.LingerUntil)
            {
                Free(s, unregister: true);
            }
            return;
        }
        if (s.AckPending && s.AckDeadline <= nowUs)
        {
            SendControl(s, s.SndNxt, TcpFlags.Ack);
        }
        if (s.RtoDeadline <= nowUs && HoldRetransmits)
        {
            s.RtoDeadline = nowUs + HeldRetransmitRecheckUs;
        }
        else if (s.RtoDeadline <= nowUs)
        {
            OnRetransmitTimeout(s, nowUs);
            if (s.State == SessionState.Lingering)
            {
                return;
            }
        }
        TrySend(s, nowUs);
    }

    /// <summary>
    /// Session and keep-alive timeouts are seconds to minutes long: one pass a second over the table finds them, which keeps
    /// the timer heap to the short timers (retransmission, request gate, linger).
    /// </summary>
    private void Sweep(long nowUs)
    {
        foreach (var s in _byOnline.Values)
        {
            if (s.State == SessionState.Lingering)
            {
                continue;
            }
            if (s.State == SessionState.Deferred)
            {
                var head = s.Predecessor;
                while (head is { State: SessionState.Deferred })
                {
                    head = head.Predecessor;
                }
                if (head is { State: not SessionState.Lingering } && nowUs - head.LastProgressUs >= MaxStallUs)
                {
                    // The connection at the head of this tuple's queue stopped making progress: give it up so the
                    // client's newer connections are copied.
                    Counters.SessionsTimedOut++;
                    Abort(head, LossReason.ResponseTimeout, nowUs);
                    Schedule(head);
                }
                continue;
            }
            var pending = s.State == SessionState.SynSent || s.SndUna != s.SndNxt || s.BufferedBytes > 0 || (s.FinCaptured && !s.FinAcked);
            if (pending && nowUs - s.LastProgressUs >= _sessionTimeoutUs)
            {
                Counters.SessionsTimedOut++;
                Abort(s, s.BufferedBytes > 0 && s.SndUna == s.SndNxt && s.State == SessionState.Established ? LossReason.CaptureGap : LossReason.ResponseTimeout, nowUs);
                Schedule(s);
            }
            else if (nowUs - Math.Max(s.LastClientUs, s.LastProgressUs) >= _keepAliveUs)
            {
                Counters.SessionsTimedOut++;
                Abort(s, LossReason.IdleTimeout, nowUs);
                Schedule(s);
            }
        }
    }

    private const long LingerSlotUs = 100_000;

    // How soon a retransmission held back by unread responses is looked at again.
    private const long HeldRetransmitRecheckUs = 1_000;

    // Linux's delayed-ACK timeout (TCP_DELACK_MIN, 40 ms): the longest a response segment waits for a request to carry its ACK.
    private const long DelayedAckUs = 40_000;

    // A connection queued behind a reused tuple gives up its predecessor after this long without target progress.
    private const long MaxStallUs = 3_000_000;

    private void OnRetransmitTimeout(Session s, long nowUs)
    {
        s.Retries++;
        if (s.Retries > _options.MaxRetransmits)
        {
            Abort(s, s.State == SessionState.SynSent ? LossReason.HandshakeFailed : LossReason.RetransmitLimit, nowUs);
            return;
        }
        // RFC 6298 5.5: back off the timer; Karn: no RTT sample from a retransmitted segment.
        s.RtoUs = Math.Min(s.RtoUs * 2, 60_000_000);
        s.RttTiming = false;
        if (s.State == SessionState.SynSent)
        {
            Counters.SynRetransmits++;
            SendSyn(s, nowUs);
            return;
        }
        if (SeqLt(s.SndUna, s.CapturedEnd) && SeqLt(s.SndUna, s.SndNxt))
        {
            Counters.Retransmits++;
            var length = (int)Math.Min(Math.Min(s.CapturedEnd - s.SndUna, s.SndNxt - s.SndUna), (uint)s.SendMss);
            SendData(s, s.SndUna, length, push: true);
        }
        else if (s.FinSent && !s.FinAcked)
        {
            Counters.Retransmits++;
            SendControl(s, s.FinSeq, TcpFlags.Fin | TcpFlags.Ack);
        }
        else if (s.TargetWindow == 0 && SeqLt(s.SndNxt, s.CapturedEnd))
        {
            // Zero-window probe: push one byte past the window so the target re-advertises.
            SendData(s, s.SndNxt, 1, push: true);
            s.SndNxt++;
        }
        else
        {
            s.RtoDeadline = long.MaxValue;
            return;
        }
        s.RtoDeadline = nowUs + s.RtoUs;
    }

    /// <summary>Gives a session up: resets the target side, counts its pending requests as lost, lingers.</summary>
    private void Abort(Session s, LossReason reason, long nowUs)
    {
        if (s.State == SessionState.Established)
        {
            SendControl(s, s.SndNxt, TcpFlags.Rst | TcpFlags.Ack);
        }
        Finish(s, reason);
        EnterLinger(s, nowUs);
    }

    /// <summary>Settles the request accounting of a session that is ending: copied, or lost with a reason.</summary>
    private void Finish(Session s, LossReason? reason)
    {
        CountCopiedRequests(s);
        var remaining = s.ReqTail - s.ReqHead - (s.HeadCounted ? 1 : 0);
        s.EndReason = reason;
        if (remaining > 0 && reason is { } why)
        {
            CountLost(why, remaining);
        }
        s.ReqHead = s.ReqTail;
        s.HeadCounted = false;
    }

    private void CountLost(LossReason reason, int requests)
    {
        Counters.RequestsLost += requests;
        Counters.Lost[(int)reason] += requests;
    }

    private void EnterLinger(Session s, long nowUs)
    {
        s.State = SessionState.Lingering;
        // Rounded up to a 100 ms slot so the lingering sessions of a busy second expire in a few wake-ups, not one each.
        s.LingerUntil = (nowUs + _lingerUs + LingerSlotUs - 1) / LingerSlotUs * LingerSlotUs;
        s.RtoDeadline = long.MaxValue;
        if (s.Successor is { } next)
        {
            // The client's next connection on this tuple waited for this one; the target tuple is free for it now.
            s.Successor = null;
            if (s.Registered && _byTarget.TryGetValue(s.TargetKey, out var owner) && ReferenceEquals(owner, s))
            {
                _byTarget.Remove(s.TargetKey);
            }
            StartTarget(next, nowUs);
            TrySend(next, nowUs);
        }
    }

    private void Free(Session s, bool unregister)
    {
        if (_byOnline.TryGetValue(s.OnlineKey, out var current) && ReferenceEquals(current, s))
        {
            _byOnline.Remove(s.OnlineKey);
        }
        if (_byTarget.TryGetValue(s.TargetKey, out var owner) && ReferenceEquals(owner, s))
        {
            _byTarget.Remove(s.TargetKey);
            if (unregister && s.Registered && !_registrar.TryUnregister(s.TargetKey))
            {
                Counters.RegistrationDrops++;
            }
        }
        Counters.ActiveSessions = _byOnline.Count;
        s.Generation++;
        s.ScheduledAt = long.MaxValue;
        if (s.Buffer.Length > 64 * 1024)
        {
            // Keep pooled sessions small: one large upload should not pin its buffer forever.
            s.Buffer = [];
        }
        _free.Push(s);
    }

    private long NextDeadlineOf(Session s)
    {
        if (s.State == SessionState.Lingering)
        {
            return s.LingerUntil;
        }
        return Math.Min(Math.Min(s.RtoDeadline, GateDeadline(s)), s.AckPending ? s.AckDeadline : long.MaxValue);
    }

    private void Schedule(Session s)
    {
        var at = NextDeadlineOf(s);
        if (at < s.ScheduledAt)
        {
            s.ScheduledAt = at;
            _timers.Enqueue(new SessionRef(s, s.Generation), at);
        }
    }
}
