using System.Runtime.InteropServices;

namespace TcpShadow.Interop;

internal static partial class Interop
{
    internal static partial class Libc
    {
        internal const int AF_INET = 2;
        internal const int AF_INET6 = 10;
        internal const int AF_PACKET = 17;
        internal const int SOCK_RAW = 3;
        internal const int SOCK_NONBLOCK = 0x800;
        internal const int SOCK_CLOEXEC = 0x80000;
        internal const int IPPROTO_RAW = 255;

        /// <summary>socket(2).</summary>
        [LibraryImport(Libraries.Libc, EntryPoint = "socket", SetLastError = true)]
        internal static partial int Socket(int domain, int type, int protocol);
    }
}
