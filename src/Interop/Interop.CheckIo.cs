using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.InteropServices;

namespace TcpShadow.Interop;

internal static partial class Interop
{
    /// <summary>Returns <paramref name="result"/> when it is not -1; otherwise throws once, naming the call and errno.</summary>
    internal static int CheckIo(int result, string call)
    {
        if (result == -1)
        {
            ThrowLastError(call);
        }
        return result;
    }

    internal static nint CheckIo(nint result, string call)
    {
        if (result == -1)
        {
            ThrowLastError(call);
        }
        return result;
    }

    internal static T CheckIo<T>(T handle, string call)
        where T : SafeHandle
    {
        if (handle.IsInvalid)
        {
            ThrowLastError(call);
        }
        return handle;
    }

    [DoesNotReturn]
    [StackTraceHidden]
    internal static void ThrowLastError(string call) => throw new NativeCallException(call, Marshal.GetLastPInvokeError());
}
