namespace TcpShadow.Interop;

/// <summary>Waits on up to four fds with a nanosecond timeout (ppoll), so timers below a millisecond need no spinning.</summary>
public static class Poller
{
    /// <summary>
    /// Returns a bit mask of the ready fds (1: <paramref name="fd0"/>, 2: <paramref name="fd1"/>), 0 on timeout or EINTR.
    /// A negative timeout waits forever.
    /// </summary>
    public static unsafe int Wait(int fd0, int fd1, long timeoutNs)
    {
        var fds = stackalloc Interop.Libc.PollFd[2];
        fds[0] = new Interop.Libc.PollFd { Fd = fd0, Events = Interop.Libc.POLLIN };
        fds[1] = new Interop.Libc.PollFd { Fd = fd1, Events = Interop.Libc.POLLIN };
        Interop.Libc.TimeSpec timeout;
        Interop.Libc.TimeSpec* pTimeout = null;
        if (timeoutNs >= 0)
        {
            timeout.Seconds = timeoutNs / 1_000_000_000;
            timeout.Nanoseconds = timeoutNs % 1_000_000_000;
            pTimeout = &timeout;
        }
        var count = (nuint)(fd1 >= 0 ? 2 : 1);
        var result = Interop.Libc.PPoll(fds, count, pTimeout, null);
        if (result < 0)
        {
            var errno = System.Runtime.InteropServices.Marshal.GetLastPInvokeError();
            if (errno == Errno.EINTR)
            {
                return 0;
            }
            throw new NativeCallException("ppoll", errno);
        }
        if (result == 0)
        {
            return 0;
        }
        return (fds[0].REvents != 0 ? 1 : 0) | (fd1 >= 0 && fds[1].REvents != 0 ? 2 : 0);
    }
}
