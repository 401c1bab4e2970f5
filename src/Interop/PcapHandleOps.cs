using System.Runtime.InteropServices;

namespace TcpShadow.Interop;

/// <summary>libpcap calls SharpPcap does not expose: the selectable fd and the capture direction.</summary>
public static class PcapHandleOps
{
    public static int GetSelectableFd(SafeHandle pcap)
    {
        var added = false;
        try
        {
            pcap.DangerousAddRef(ref added);
            var fd = Interop.Pcap.GetSelectableFd(pcap.DangerousGetHandle());
            if (fd < 0)
            {
                throw new NativeCallException("pcap_get_selectable_fd returned -1: this capture device cannot be polled");
            }
            return fd;
        }
        finally
        {
            if (added)
            {
                pcap.DangerousRelease();
            }
        }
    }

    /// <summary>Captures only packets received by this host (PCAP_D_IN); false when the platform cannot.</summary>
    public static bool TrySetDirectionIn(SafeHandle pcap)
    {
        var added = false;
        try
        {
            pcap.DangerousAddRef(ref added);
            return Interop.Pcap.SetDirection(pcap.DangerousGetHandle(), Interop.Pcap.PCAP_D_IN) == 0;
        }
        finally
        {
            if (added)
            {
                pcap.DangerousRelease();
            }
        }
    }

    /// <summary>pcap_stats: packets the filter passed and the kernel dropped; false when libpcap cannot say.</summary>
    public static unsafe bool TryGetStats(SafeHandle pcap, out long received, out long dropped)
    {
        var added = false;
        try
        {
            pcap.DangerousAddRef(ref added);
            Interop.Pcap.PcapStat stats;
            if (Interop.Pcap.Stats(pcap.DangerousGetHandle(), &stats) != 0)
            {
                received = dropped = 0;
                return false;
            }
            received = stats.Received;
            dropped = stats.Dropped;
            return true;
        }
        finally
        {
            if (added)
            {
                pcap.DangerousRelease();
            }
        }
    }
}
