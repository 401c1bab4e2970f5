using System.Buffers.Binary;
using System.Text;

namespace TcpShadow.Intercept.Protocol;

/// <summary>Decoders for the fixed-shape bodies; sizes were validated by <see cref="FrameReader"/>.</summary>
public static class FrameBodies
{
    public static HelloBody ReadHello(ReadOnlySpan<byte> body) => new(
        BinaryPrimitives.ReadUInt16BigEndian(body),
        BinaryPrimitives.ReadUInt16BigEndian(body[2..]),
        BinaryPrimitives.ReadUInt64BigEndian(body[4..]));

    public static HelloAckBody ReadHelloAck(ReadOnlySpan<byte> body) => new(
        BinaryPrimitives.ReadUInt16BigEndian(body),
        BinaryPrimitives.ReadUInt32BigEndian(body[4..]));

    public static long ReadHeartbeat(ReadOnlySpan<byte> body) => BinaryPrimitives.ReadInt64BigEndian(body);

    /// <summary>Control path only: allocates the message string.</summary>
    public static ErrorCode ReadError(ReadOnlySpan<byte> body, out string message)
    {
        message = Encoding.UTF8.GetString(body[ProtocolConstants.CountSize..]);
        return (ErrorCode)BinaryPrimitives.ReadUInt16BigEndian(body);
    }
}
