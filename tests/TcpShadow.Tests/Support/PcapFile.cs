using System.Buffers.Binary;
using TcpShadow.DataPlane.Packets;

namespace TcpShadow.Tests.Support;

/// <summary>
/// Reads classic pcap files (either byte order, micro- or nanosecond magic) for tests, so fixture
/// loading needs no native libpcap. pcapng is not read: scripts/make-fixtures.sh writes classic pcap.
/// </summary>
public sealed class PcapFile
{
    private const int GlobalHeaderLength = 24;
    private const int RecordHeaderLength = 16;

    private PcapFile(string name, LinkType linkType, IReadOnlyList<byte[]> frames)
    {
        Name = name;
        LinkType = linkType;
        Frames = frames;
    }

    public string Name { get; }

    public LinkType LinkType { get; }

    public IReadOnlyList<byte[]> Frames { get; }

    public static PcapFile Read(string path) => Parse(path, File.ReadAllBytes(path));

    /// <summary>Parses a whole pcap file held in memory; <paramref name="path"/> names it in errors.</summary>
    public static PcapFile Parse(string path, byte[] bytes)
    {
        if (bytes.Length < GlobalHeaderLength)
        {
            throw new InvalidDataException($"{path}: shorter than a pcap global header");
        }
        var magic = BinaryPrimitives.ReadUInt32LittleEndian(bytes);
        bool littleEndian = magic switch
        {
            0xA1B2C3D4 or 0xA1B23C4D => true,
            0xD4C3B2A1 or 0x4D3CB2A1 => false,
            _ => throw new InvalidDataException($"{path}: not a classic pcap file (magic 0x{magic:X8})"),
        };
        var linkType = (LinkType)(ushort)ReadUInt32(bytes.AsSpan(20), littleEndian);
        var frames = new List<byte[]>();
        var offset = GlobalHeaderLength;
        while (offset + RecordHeaderLength <= bytes.Length)
        {
            var captured = (int)ReadUInt32(bytes.AsSpan(offset + 8), littleEndian);
            offset += RecordHeaderLength;
            if (captured < 0 || offset + captured > bytes.Length)
            {
                throw new InvalidDataException($"{path}: record {frames.Count} runs past the end of the file");
            }
            frames.Add(bytes.AsSpan(offset, captured).ToArray());
            offset += captured;
        }
        return new PcapFile(Path.GetFileName(path), linkType, frames);
    }

    private static uint ReadUInt32(ReadOnlySpan<byte> source, bool littleEndian) =>
        littleEndian ? BinaryPrimitives.ReadUInt32LittleEndian(source) : BinaryPrimitives.ReadUInt32BigEndian(source);
}
