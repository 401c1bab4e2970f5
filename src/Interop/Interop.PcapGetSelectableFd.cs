using System.Runtime.InteropServices;

namespace TcpShadow.Interop;

internal static partial class Interop
{
    internal static partial class Pcap
    {
        /// <summary>pcap_get_selectable_fd(3PCAP): the fd to poll for a live capture handle.</summary>
        [LibraryImport(Libraries.Pcap, EntryPoint = "pcap_get_selectable_fd")]
        internal static partial int GetSelectableFd(nint pcap);
    }
}
