namespace TcpShadow.Interop;

/// <summary>A system call failed; the message names the call and the errno, e.g. "socket(AF_INET, SOCK_RAW) failed: EPERM".</summary>
public sealed class NativeCallException : Exception
{
    public NativeCallException(string call, int errno)
        : base($"{call} failed: {Errno.Name(errno)}{Hint(errno)}")
    {
        Call = call;
        ErrorNumber = errno;
    }

    public NativeCallException()
    {
        Call = string.Empty;
    }

    public NativeCallException(string message)
        : base(message)
    {
        Call = string.Empty;
    }

    public NativeCallException(string message, Exception innerException)
        : base(message, innerException)
    {
        Call = string.Empty;
    }

    public string Call { get; }

    public int ErrorNumber { get; }

    private static string Hint(int errno) => errno is Errno.EPERM or Errno.EACCES
        ? " (run as root, or grant CAP_NET_RAW and CAP_NET_ADMIN: setcap cap_net_raw,cap_net_admin=ep BINARY)"
        : string.Empty;
}
