using System.Buffers.Binary;

namespace TcpShadow.DataPlane.Packets;

/// <summary>What the options of one segment say; filled by <see cref="TcpOptionReader"/> without allocating.</summary>
public struct TcpOptions
{
    public ushort Mss;
    public byte WindowScale;
    public bool HasMss;
    public bool HasWindowScale;
    public bool SackPermitted;
    public bool HasTimestamps;
    public uint TsVal;
    public uint TsEcr;
    /// <summary>Offset of the timestamps option's kind byte within the options, or -1.</summary>
    public int TimestampsOffset;
    /// <summary>Number of SACK blocks present.</summary>
    public int SackBlocks;
    /// <summary>Offset of the SACK option's kind byte within the options, or -1.</summary>
    public int SackOffset;
}

/// <summary>Walks TCP options; a malformed list is a <see cref="DropReason.BadTcpOptions"/>, not an exception.</summary>
public static class TcpOptionReader
{
    public static bool TryRead(ReadOnlySpan<byte> options, out TcpOptions result)
    {
        result = default;
        result.TimestampsOffset = -1;
        result.SackOffset = -1;
        var i = 0;
        while ((uint)i < (uint)options.Length)
        {
            var kind = (TcpOptionKind)options[i];
            if (kind == TcpOptionKind.EndOfList)
            {
                return true;
            }
            if (kind == TcpOptionKind.NoOp)
            {
                i++;
                continue;
            }
            if ((uint)(i + 1) >= (uint)options.Length)
            {
                return false;
            }
            int length = options[i + 1];
            if (length < 2 || i + length > options.Length)
            {
                return false;
            }
            var body = options.Slice(i + 2, length - 2);
            switch (kind)
            {
                case TcpOptionKind.MaxSegmentSize when length == 4:
                    result.Mss = BinaryPrimitives.ReadUInt16BigEndian(body);
                    result.HasMss = true;
                    break;
                case TcpOptionKind.WindowScale when length == 3:
                    result.WindowScale = Math.Min(body[0], (byte)14);
                    result.HasWindowScale = true;
                    break;
                case TcpOptionKind.SackPermitted when length == 2:
                    result.SackPermitted = true;
                    break;
                case TcpOptionKind.Timestamps when length == 10:
                    result.HasTimestamps = true;
                    result.TsVal = BinaryPrimitives.ReadUInt32BigEndian(body);
                    result.TsEcr = BinaryPrimitives.ReadUInt32BigEndian(body[4..]);
                    result.TimestampsOffset = i;
                    break;
                // RFC 2018: 2 + 8n bytes with at least one block (at most four fit in 40 bytes of options).
                case TcpOptionKind.Sack when length >= 10 && (length - 2) % 8 == 0:
                    result.SackBlocks = (length - 2) / 8;
                    result.SackOffset = i;
                    break;
                case TcpOptionKind.MaxSegmentSize or TcpOptionKind.WindowScale or TcpOptionKind.SackPermitted
                    or TcpOptionKind.Timestamps or TcpOptionKind.Sack:
                    return false;
            }
            i += length;
        }
        return true;
    }
}
