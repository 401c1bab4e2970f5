using System.Runtime.InteropServices;

namespace TcpShadow.Interop;

internal static partial class Interop
{
    internal static partial class Libc
    {
        [StructLayout(LayoutKind.Sequential)]
        internal unsafe struct IoVec
        {
            public byte* Base;
            public nuint Length;
        }

        /// <summary>struct mmsghdr on LP64: a 56-byte msghdr and the sent length, 64 bytes in all.</summary>
        [StructLayout(LayoutKind.Sequential, Size = 64)]
        internal unsafe struct MMsgHdr
        {
            public byte* Name;
            public uint NameLength;
            public IoVec* Iov;
            public nuint IovLength;
            public void* Control;
            public nuint ControlLength;
            public int Flags;
            public uint Length;
        }

        /// <summary>sendmmsg(2): several datagrams in one system call.</summary>
        [LibraryImport(Libraries.Libc, EntryPoint = "sendmmsg", SetLastError = true)]
        internal static unsafe partial int SendMmsg(SafeFileDescriptor socket, MMsgHdr* messages, uint count, int flags);
    }
}
