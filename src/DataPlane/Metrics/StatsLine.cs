using System.Globalization;
using System.Text;
using TcpShadow.DataPlane.Packets;
using TcpShadow.DataPlane.Sessions;

namespace TcpShadow.DataPlane.Metrics;

/// <summary>Formats the periodic stats line from a shard's counters (read without locks; a scrape-time snapshot).</summary>
public static class StatsLine
{
    public static string Format(EngineCounters c, long kernelDrops, long responseRingDrops, string channel)
    {
        var sb = new StringBuilder(512);
        var inv = CultureInfo.InvariantCulture;
        sb.Append(inv, $"captured={c.PacketsCaptured} client={c.ClientPackets} syn={c.ClientSyns} fin={c.ClientFins} rst={c.ClientRsts} ");
        sb.Append(inv, $"sent={c.PacketsSent} retrans={c.Retransmits} synretrans={c.SynRetransmits} send_err={c.SendErrors} ");
        sb.Append(inv, $"responses={c.Responses} no_session={c.ResponsesNoSession} ");
        sb.Append(inv, $"sessions: active={c.ActiveSessions} opened={c.SessionsOpened} established={c.SessionsEstablished} completed={c.SessionsCompleted} ");
        sb.Append(inv, $"reset={c.SessionsReset} timed_out={c.SessionsTimedOut} superseded={c.SessionsSuperseded} deferred={c.SessionsDeferred} tw_resets={c.TimeWaitResets} ");
        sb.Append(inv, $"requests: captured={c.RequestsCaptured} copied={c.RequestsCopied} lost={c.RequestsLost}");
        if (c.RequestsLost > 0)
        {
            sb.Append(" (");
            var first = true;
            for (var i = 0; i < (int)LossReason.Count; i++)
            {
                if (c.Lost[i] == 0)
                {
                    continue;
                }
                sb.Append(first ? string.Empty : " ").Append(((LossReason)i).ToString()).Append('=').Append(c.Lost[i].ToString(inv));
                first = false;
            }
            sb.Append(')');
        }
        sb.Append(inv, $" target_rtt_us={(c.RttSamples == 0 ? 0 : c.RttSumUs / c.RttSamples)}");
        sb.Append(inv, $" kernel_drops={kernelDrops} ring_drops={responseRingDrops} channel={channel}");
        var dropFirst = true;
        for (var i = 1; i < (int)DropReason.Count; i++)
        {
            if (c.Drops[i] == 0)
            {
                continue;
            }
            sb.Append(dropFirst ? " drops: " : " ").Append(((DropReason)i).ToString()).Append('=').Append(c.Drops[i].ToString(inv));
            dropFirst = false;
        }
        return sb.ToString();
    }
}
