namespace TcpShadow.Interop;

/// <summary>An eventfd used to wake a shard thread sleeping in <see cref="Poller.Wait"/> from another thread.</summary>
public sealed class EventSignal : IDisposable
{
    private readonly SafeFileDescriptor _fd;

    public EventSignal()
    {
        var fd = Interop.Libc.EventFd(0, Interop.Libc.EFD_NONBLOCK | Interop.Libc.EFD_CLOEXEC);
        _fd = Interop.CheckIo(new SafeFileDescriptor(fd), "eventfd(0, EFD_NONBLOCK)");
    }

    public int Fd => _fd.Fd;

    public unsafe void Signal()
    {
        ulong one = 1;
        Interop.Libc.Write(_fd, &one, sizeof(ulong));
    }

    /// <summary>Resets the counter so the next poll sleeps again.</summary>
    public unsafe void Drain()
    {
        ulong value;
        Interop.Libc.Read(_fd, &value, sizeof(ulong));
    }

    public void Dispose() => _fd.Dispose();
}
