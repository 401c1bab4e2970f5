using System.IO.Pipelines;
using System.Net.Sockets;

namespace TcpShadow.DataPlane.Feedback;

/// <summary>
/// The intercept channel's receive side: GetMemory, receive, Advance, FlushAsync until the peer closes, the reader
/// stops, or the token fires. Backpressure comes from the pipe's pause threshold. Shared by both ends of the channel.
/// </summary>
internal static class SocketReceivePump
{
    // Receive into at least this much space: one call drains a typical burst of Responses frames.
    private const int MinimumReceive = 16 * 1024;

    public static async Task RunAsync(Socket socket, PipeWriter writer, CancellationToken token)
    {
        Exception? error = null;
        try
        {
            while (true)
            {
                var memory = writer.GetMemory(MinimumReceive);
                var received = await socket.ReceiveAsync(memory, SocketFlags.None, token).ConfigureAwait(false);
                if (received == 0)
                {
                    break;
                }
                writer.Advance(received);
                var flush = await writer.FlushAsync(token).ConfigureAwait(false);
                if (flush.IsCompleted || flush.IsCanceled)
                {
                    break;
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Shutdown or the connection was aborted on purpose: the reader sees a plain completion.
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException or IOException)
        {
            error = ex;
        }
        await writer.CompleteAsync(error).ConfigureAwait(false);
    }

    /// <summary>Sorts a channel failure into reset (peer went away), abort (we closed it) or unexpected.</summary>
    public static string Classify(Exception exception) => exception switch
    {
        SocketException { SocketErrorCode: SocketError.ConnectionReset or SocketError.ConnectionAborted or SocketError.Shutdown or SocketError.TimedOut or SocketError.HostUnreachable or SocketError.NetworkUnreachable } => "connection reset",
        SocketException { SocketErrorCode: SocketError.OperationAborted or SocketError.Interrupted } or ObjectDisposedException or OperationCanceledException => "connection aborted",
        IOException { InnerException: SocketException inner } => Classify(inner),
        _ => "unexpected channel error",
    };
}
