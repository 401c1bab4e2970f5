using System.Runtime.InteropServices;

namespace TcpShadow.Interop;

internal static partial class Interop
{
    internal static partial class Pcap
    {
        [StructLayout(LayoutKind.Sequential)]
        internal struct PcapStat
        {
            public uint Received;
            public uint Dropped;
            public uint InterfaceDropped;
        }

        /// <summary>pcap_stats(3PCAP): packets received and dropped by the kernel for this handle.</summary>
        [LibraryImport(Libraries.Pcap, EntryPoint = "pcap_stats")]
        internal static unsafe partial int Stats(nint pcap, PcapStat* stats);
    }
}
