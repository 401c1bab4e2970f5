namespace TcpShadow.Interop;

/// <summary>The errno values this project branches on (Linux, asm-generic/errno-base.h and errno.h).</summary>
public static class Errno
{
    public const int EPERM = 1;
    public const int EINTR = 4;
    public const int EBADF = 9;
    public const int EAGAIN = 11;
    public const int ENOBUFS = 105;
    public const int ENOMEM = 12;
    public const int EACCES = 13;
    public const int EINVAL = 22;
    public const int EMSGSIZE = 90;
    public const int ENETUNREACH = 101;
    public const int EHOSTUNREACH = 113;

    /// <summary>The symbolic name of an errno, for error messages ("EPERM"), or the number.</summary>
    public static string Name(int errno) => errno switch
    {
        EPERM => "EPERM",
        EINTR => "EINTR",
        EBADF => "EBADF",
        EAGAIN => "EAGAIN",
        ENOBUFS => "ENOBUFS",
        ENOMEM => "ENOMEM",
        EACCES => "EACCES",
        EINVAL => "EINVAL",
        EMSGSIZE => "EMSGSIZE",
        ENETUNREACH => "ENETUNREACH",
        EHOSTUNREACH => "EHOSTUNREACH",
        97 => "EAFNOSUPPORT",
        93 => "EPROTONOSUPPORT",
        19 => "ENODEV",
        _ => "errno " + errno.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };
}
