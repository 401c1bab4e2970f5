using System.Runtime.InteropServices;

namespace TcpShadow.Interop;

internal static partial class Interop
{
    internal static partial class Libc
    {
        internal const short POLLIN = 0x001;

        [StructLayout(LayoutKind.Sequential)]
        internal struct PollFd
        {
            public int Fd;
            public short Events;
            public short REvents;
        }

        [StructLayout(LayoutKind.Sequential)]
        internal struct TimeSpec
        {
            public long Seconds;
            public long Nanoseconds;
        }

        /// <summary>ppoll(2): poll with a nanosecond timeout, so sub-millisecond timers need no spinning.</summary>
        [LibraryImport(Libraries.Libc, EntryPoint = "ppoll", SetLastError = true)]
        internal static unsafe partial int PPoll(PollFd* fds, nuint count, TimeSpec* timeout, void* sigmask);
    }
}
