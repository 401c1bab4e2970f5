using System.Runtime.InteropServices;

namespace TcpShadow.Interop;

internal static partial class Interop
{
    internal static partial class Libc
    {
        internal const int SOL_SOCKET = 1;
        internal const int SO_SNDBUF = 7;
        internal const int SO_SNDBUFFORCE = 32;
        internal const int IPPROTO_IP = 0;
        internal const int IP_HDRINCL = 3;
        internal const int IPPROTO_IPV6 = 41;

        /// <summary>setsockopt(2).</summary>
        [LibraryImport(Libraries.Libc, EntryPoint = "setsockopt", SetLastError = true)]
        internal static unsafe partial int SetSockOpt(SafeFileDescriptor socket, int level, int name, void* value, uint length);
    }
}
