using System.Buffers.Binary;
using TcpShadow.DataPlane.Packets;

namespace TcpShadow.DataPlane.Capture;

/// <summary>
/// Reads classic pcap (micro- and nanosecond magic, either byte order) and pcapng (SHB, IDB, EPB, SPB; per-interface
/// link type and <c>if_tsresol</c>; several sections) record by record into one reused buffer: no per-packet allocation.
/// A truncated or corrupt record ends the read with <see cref="PcapReadStatus.Corrupt"/> and an <see cref="Error"/> that
/// names the file and the record's byte offset; every record before it was returned.
/// </summary>
public sealed class PcapFileReader : IDisposable
{
    private const uint PcapMicros = 0xA1B2C3D4;
    private const uint PcapNanos = 0xA1B23C4D;
    private const uint NgSectionHeader = 0x0A0D0D0A;
    private const uint NgByteOrderMagic = 0x1A2B3C4D;
    private const uint NgInterfaceDescription = 1;
    private const uint NgSimplePacket = 3;
    private const uint NgEnhancedPacket = 6;
    private const int PcapGlobalHeaderLength = 24;
    private const int PcapRecordHeaderLength = 16;
    private const ushort OptEndOfOptions = 0;
    private const ushort OptIfTsResol = 9;
    // libpcap refuses records above 256 KiB unless the snaplen is larger; a length past this is a corrupt header.
    private const int MaxRecordBytes = 16 << 20;

    private readonly FileStream _stream;
    private readonly List<(LinkType LinkType, ulong UnitsPerSecond)> _interfaces = new();
    private byte[] _buffer = GC.AllocateUninitializedArray<byte>(256 * 1024);
    private bool _pcapng;
    private bool _bigEndian;
    private bool _nanos;
    private int _frameOffset;
    private int _frameLength;
    private long _offset;
    private long _lastTimestampUs;

    private PcapFileReader(string path, FileStream stream)
    {
        Path = path;
        _stream = stream;
    }

    public string Path { get; }

    /// <summary>The link type of the file (pcap) or of the section's first interface (pcapng), known after open.</summary>
    public LinkType FileLinkType { get; private set; }

    /// <summary>True when the first section's interfaces declare more than one link type.</summary>
    public bool MixedLinkTypes { get; private set; }

    /// <summary>The current record's bytes; valid until the next <see cref="ReadNext"/>.</summary>
    public ReadOnlySpan<byte> Frame => _buffer.AsSpan(_frameOffset, _frameLength);

    public LinkType LinkType { get; private set; }

    public long TimestampUs { get; private set; }

    /// <summary>Byte offset of the current record (or of the bad one after <see cref="PcapReadStatus.Corrupt"/>).</summary>
    public long RecordOffset { get; private set; }

    public string? Error { get; private set; }

    /// <summary>Opens <paramref name="path"/> and reads its header; throws <see cref="InvalidDataException"/> naming the file when it is not pcap or pcapng.</summary>
    public static PcapFileReader Open(string path)
    {
        var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 64 * 1024, FileOptions.SequentialScan);
        var reader = new PcapFileReader(path, stream);
        try
        {
            reader.ReadFileHeader(initial: true);
        }
        catch
        {
            stream.Dispose();
            throw;
        }
        return reader;
    }

    /// <summary>Starts again from the first record (for replay loops).</summary>
    public void Rewind()
    {
        _stream.Position = 0;
        _offset = 0;
        Error = null;
        ReadFileHeader(initial: false);
    }

    /// <summary>Reads the next packet record.</summary>
    public PcapReadStatus ReadNext() => _pcapng ? ReadNextBlock() : ReadNextRecord();

    private void ReadFileHeader(bool initial)
    {
        Span<byte> head = stackalloc byte[PcapGlobalHeaderLength];
        var got = _stream.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        if (got < 4)
        {
            throw new InvalidDataException($"{Path}: only {got} bytes; too short for a pcap or pcapng header (byte offset 0)");
        }
        var magic = BinaryPrimitives.ReadUInt32LittleEndian(head);
        if (magic == NgSectionHeader)
        {
            _pcapng = true;
            _stream.Position = 0;
            _interfaces.Clear();
            if (ReadNextBlock(stopAtFirstPacket: true) == PcapReadStatus.Corrupt)
            {
                throw new InvalidDataException(Error);
            }
            if (initial)
            {
                if (_interfaces.Count == 0)
                {
                    throw new InvalidDataException($"{Path}: pcapng section has no interface description block before its first packet (byte offset {_offset})");
                }
                FileLinkType = _interfaces[0].LinkType;
                MixedLinkTypes = _interfaces.Exists(i => i.LinkType != FileLinkType);
            }
            return;
        }
        (_bigEndian, _nanos) = magic switch
        {
            PcapMicros => (false, false),
            PcapNanos => (false, true),
            _ when BinaryPrimitives.ReverseEndianness(magic) == PcapMicros => (true, false),
            _ when BinaryPrimitives.ReverseEndianness(magic) == PcapNanos => (true, true),
            _ => throw new InvalidDataException($"{Path}: not a pcap or pcapng file (magic 0x{magic:X8} at byte offset 0)"),
        };
        if (got < PcapGlobalHeaderLength)
        {
            throw new InvalidDataException($"{Path}: pcap global header truncated at {got} of {PcapGlobalHeaderLength} bytes (byte offset 0)");
        }
        _pcapng = false;
        // The upper 16 bits of the link-type field carry FCS flags (pcap-savefile(5)).
        FileLinkType = LinkType = (LinkType)(ushort)U32(head[20..]);
        _offset = PcapGlobalHeaderLength;
    }

    private PcapReadStatus ReadNextRecord()
    {
        RecordOffset = _offset;
        Span<byte> header = stackalloc byte[PcapRecordHeaderLength];
        var got = _stream.ReadAtLeast(header, header.Length, throwOnEndOfStream: false);
        if (got == 0)
        {
            return PcapReadStatus.End;
        }
        if (got < PcapRecordHeaderLength)
        {
            return Corrupt($"record header truncated ({got} of {PcapRecordHeaderLength} bytes)");
        }
        var seconds = U32(header);
        var fraction = U32(header[4..]);
        var captured = U32(header[8..]);
        if (captured > MaxRecordBytes)
        {
            return Corrupt($"record claims {captured} captured bytes (more than {MaxRecordBytes})");
        }
        var length = (int)captured;
        EnsureBuffer(length);
        got = _stream.ReadAtLeast(_buffer.AsSpan(0, length), length, throwOnEndOfStream: false);
        if (got < length)
        {
            return Corrupt($"record data truncated ({got} of {length} bytes)");
        }
        _offset += PcapRecordHeaderLength + length;
        _frameOffset = 0;
        _frameLength = length;
        TimestampUs = ((long)seconds * 1_000_000) + (_nanos ? fraction / 1000 : fraction);
        return PcapReadStatus.Record;
    }

    private PcapReadStatus ReadNextBlock(bool stopAtFirstPacket = false)
    {
        Span<byte> header = stackalloc byte[12];
        while (true)
        {
            RecordOffset = _offset;
            var start = _stream.Position;
            var got = _stream.ReadAtLeast(header[..8], 8, throwOnEndOfStream: false);
            if (got == 0)
            {
                return PcapReadStatus.End;
            }
            if (got < 8)
            {
                return Corrupt($"block header truncated ({got} of 8 bytes)");
            }
            var rawType = BinaryPrimitives.ReadUInt32LittleEndian(header);
            if (rawType == NgSectionHeader)
            {
                // The byte-order magic follows the length and decides how both are read.
                if (_stream.ReadAtLeast(header[8..12], 4, throwOnEndOfStream: false) < 4)
                {
                    return Corrupt("section header block truncated before its byte-order magic");
                }
                var bom = BinaryPrimitives.ReadUInt32LittleEndian(header[8..]);
                if (bom != NgByteOrderMagic && BinaryPrimitives.ReverseEndianness(bom) != NgByteOrderMagic)
                {
                    return Corrupt($"section header block has a bad byte-order magic 0x{bom:X8}");
                }
                _bigEndian = bom != NgByteOrderMagic;
                _interfaces.Clear();
                _stream.Position = start + 8;
            }
            var type = U32(header);
            var total = U32(header[4..]);
            if (total < 12 || (total & 3) != 0 || total > MaxRecordBytes)
            {
                return Corrupt($"block type 0x{type:X8} has an impossible length {total}");
            }
            if (stopAtFirstPacket && type is NgEnhancedPacket or NgSimplePacket)
            {
                _stream.Position = start;
                return PcapReadStatus.End;
            }
            var bodyLength = (int)total - 8;
            EnsureBuffer(bodyLength);
            var body = _buffer.AsSpan(0, bodyLength);
            got = _stream.ReadAtLeast(body, bodyLength, throwOnEndOfStream: false);
            if (got < bodyLength)
            {
                return Corrupt($"block type 0x{type:X8} truncated ({got + 8} of {total} bytes)");
            }
            if (U32(body[^4..]) != total)
            {
                return Corrupt($"block type 0x{type:X8} trailing length {U32(body[^4..])} differs from its leading length {total}");
            }
            _offset += total;
            body = body[..^4];
            switch (type)
            {
                case NgInterfaceDescription:
                    if (body.Length < 8)
                    {
                        return Corrupt("interface description block shorter than 8 bytes");
                    }
                    _interfaces.Add(((LinkType)U16(body), ReadTsResol(body[8..])));
                    break;
                case NgEnhancedPacket:
                    {
                        if (body.Length < 20)
                        {
                            return Corrupt("enhanced packet block shorter than 20 bytes");
                        }
                        var id = U32(body);
                        var captured = U32(body[12..]);
                        if (id >= (uint)_interfaces.Count)
                        {
                            return Corrupt($"enhanced packet block names interface {id}, but the section declares {_interfaces.Count}");
                        }
                        if (captured > (uint)(body.Length - 20))
                        {
                            return Corrupt($"enhanced packet block claims {captured} captured bytes in a {total}-byte block");
                        }
                        var (linkType, units) = _interfaces[(int)id];
                        var ticks = ((ulong)U32(body[4..]) << 32) | U32(body[8..]);
                        LinkType = linkType;
                        TimestampUs = _lastTimestampUs = ToMicros(ticks, units);
                        _frameOffset = 20;
                        _frameLength = (int)captured;
                        return PcapReadStatus.Record;
                    }
                case NgSimplePacket:
                    {
                        if (body.Length < 4 || _interfaces.Count == 0)
                        {
                            return Corrupt(body.Length < 4 ? "simple packet block shorter than 4 bytes" : "simple packet block before any interface description block");
                        }
                        // No timestamp: it keeps the previous record's, so it replays without a gap.
                        LinkType = _interfaces[0].LinkType;
                        TimestampUs = _lastTimestampUs;
                        _frameOffset = 4;
                        _frameLength = (int)Math.Min(U32(body), (uint)(body.Length - 4));
                        return PcapReadStatus.Record;
                    }
                default:
                    break;
            }
        }
    }

    private ulong ReadTsResol(ReadOnlySpan<byte> options)
    {
        // Options are code(2) length(2) value padded to 4; the default resolution is microseconds.
        while (options.Length >= 4)
        {
            var code = U16(options);
            var length = U16(options[2..]);
            if (code == OptEndOfOptions || 4 + length > options.Length)
            {
                break;
            }
            if (code == OptIfTsResol && length >= 1)
            {
                var value = options[4];
                var exponent = value & 0x7F;
                // MSB set: a negative power of two; else of ten. Beyond 10^19 or 2^63 does not fit a ulong.
                if ((value & 0x80) != 0)
                {
                    return exponent < 64 ? 1UL << exponent : 1_000_000;
                }
                return exponent <= 19 ? (ulong)Math.Pow(10, exponent) : 1_000_000;
            }
            options = options[Math.Min(options.Length, 4 + ((length + 3) & ~3))..];
        }
        return 1_000_000;
    }

    private static long ToMicros(ulong ticks, ulong unitsPerSecond)
    {
        if (unitsPerSecond == 1_000_000)
        {
            return (long)ticks;
        }
        var seconds = ticks / unitsPerSecond;
        var fraction = ticks % unitsPerSecond;
        return (long)((seconds * 1_000_000) + (ulong)((UInt128)fraction * 1_000_000 / unitsPerSecond));
    }

    private PcapReadStatus Corrupt(string what)
    {
        Error = $"{Path}: {what} at byte offset {RecordOffset}; stopped reading there";
        return PcapReadStatus.Corrupt;
    }

    private void EnsureBuffer(int length)
    {
        if (length > _buffer.Length)
        {
            _buffer = GC.AllocateUninitializedArray<byte>(Math.Max(length, _buffer.Length * 2));
        }
    }

    private uint U32(ReadOnlySpan<byte> source) =>
        _bigEndian ? BinaryPrimitives.ReadUInt32BigEndian(source) : BinaryPrimitives.ReadUInt32LittleEndian(source);

    private ushort U16(ReadOnlySpan<byte> source) =>
        _bigEndian ? BinaryPrimitives.ReadUInt16BigEndian(source) : BinaryPrimitives.ReadUInt16LittleEndian(source);

    public void Dispose() => _stream.Dispose();
}
