namespace TcpShadow.Intercept.Protocol;

/// <summary>Why <see cref="FrameReader.TryRead(ref System.Buffers.ReadOnlySequence{byte}, int, out Frame, out FrameReadError)"/> returned InvalidData.</summary>
public enum FrameReadError : byte
{
    None = 0,
    BadMagic,
    UnknownType,
    BodyTooLarge,
    BadBodyLength,
    BadRecordCount,
    BadRecordLength,
}
