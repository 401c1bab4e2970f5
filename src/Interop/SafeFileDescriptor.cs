using System.Runtime.InteropServices;

namespace TcpShadow.Interop;

/// <summary>Owns one Linux file descriptor (a socket, an eventfd) and closes it exactly once.</summary>
public sealed class SafeFileDescriptor : SafeHandle
{
    public SafeFileDescriptor()
        : base(-1, ownsHandle: true)
    {
    }

    internal SafeFileDescriptor(int fd)
        : base(-1, ownsHandle: true) => SetHandle(fd);

    public override bool IsInvalid => handle < 0;

    public int Fd => (int)handle;

    protected override bool ReleaseHandle() => Interop.Libc.Close((int)handle) == 0;
}
