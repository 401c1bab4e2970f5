using System.Runtime.InteropServices;

namespace TcpShadow.Interop;

internal static partial class Interop
{
    internal static partial class Libc
    {
        internal const int MSG_DONTWAIT = 0x40;

        /// <summary>sendto(2); the address is a sockaddr_in or sockaddr_in6 the caller lays out.</summary>
        [LibraryImport(Libraries.Libc, EntryPoint = "sendto", SetLastError = true)]
        internal static unsafe partial nint SendTo(SafeFileDescriptor socket, byte* buffer, nuint length, int flags, byte* address, uint addressLength);
    }
}
