using System.Runtime.InteropServices;

namespace TcpShadow.Interop;

internal static partial class Interop
{
    internal static partial class Pcap
    {
        internal const int PCAP_D_INOUT = 0;
        internal const int PCAP_D_IN = 1;
        internal const int PCAP_D_OUT = 2;

        /// <summary>pcap_setdirection(3PCAP).</summary>
        [LibraryImport(Libraries.Pcap, EntryPoint = "pcap_setdirection")]
        internal static partial int SetDirection(nint pcap, int direction);
    }
}
