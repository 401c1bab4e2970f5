namespace TcpShadow.Interop;

internal static partial class Interop
{
    internal static class Libraries
    {
        internal const string Libc = "libc";
        /// <summary>Debian's libpcap0.8 ships libpcap.so.0.8; libpcap-dev adds the plain libpcap.so name.</summary>
        internal const string Pcap = "libpcap.so.0.8";
    }
}
