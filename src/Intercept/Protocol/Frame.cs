using System.Buffers;

namespace TcpShadow.Intercept.Protocol;

/// <summary>
/// One validated frame: the body is a slice of the reader's buffer, valid until the caller advances past it.
/// Body sizes and record counts were checked by <see cref="FrameReader"/>, so the body readers trust them.
/// </summary>
public readonly struct Frame
{
    public Frame(FrameType type, byte flags, ReadOnlySequence<byte> body)
    {
        Type = type;
        Flags = flags;
        Body = body;
    }

    public FrameType Type { get; }

    public byte Flags { get; }

    public ReadOnlySequence<byte> Body { get; }

    public int BodyLength => (int)Body.Length;

    /// <summary>The body as one span: the first segment when it holds it all, else a copy into <paramref name="scratch"/>.</summary>
    public ReadOnlySpan<byte> GetBodySpan(byte[] scratch)
    {
        if (Body.IsSingleSegment)
        {
            return Body.FirstSpan;
        }
        var length = BodyLength;
        Body.CopyTo(scratch);
        return scratch.AsSpan(0, length);
    }
}
