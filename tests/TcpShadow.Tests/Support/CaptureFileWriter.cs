using System.Buffers.Binary;
using TcpShadow.DataPlane.Packets;

namespace TcpShadow.Tests.Support;

/// <summary>Writes small pcap and pcapng files in memory, in either byte order, so reader tests make their own inputs.</summary>
public sealed class CaptureFileWriter
{
    private readonly MemoryStream _stream = new();
    private readonly bool _bigEndian;

    private CaptureFileWriter(bool bigEndian) => _bigEndian = bigEndian;

    public byte[] ToArray() => _stream.ToArray();

    /// <summary>A classic pcap: the global header now, then <see cref="PcapRecord"/> per packet.</summary>
    public static CaptureFileWriter Pcap(LinkType linkType, bool nanos = false, bool bigEndian = false)
    {
        var w = new CaptureFileWriter(bigEndian);
        w.U32(nanos ? 0xA1B23C4D : 0xA1B2C3D4);
        w.U16(2);
        w.U16(4);
        w.U32(0);
        w.U32(0);
        w.U32(65535);
        w.U32((uint)linkType);
        return w;
    }

    /// <summary>A pcapng: a section header now, then <see cref="Interface"/> and packet blocks.</summary>
    public static CaptureFileWriter PcapNg(bool bigEndian = false)
    {
        var w = new CaptureFileWriter(bigEndian);
        w.Section();
        return w;
    }

    public CaptureFileWriter PcapRecord(long seconds, long fraction, byte[] data)
    {
        U32((uint)seconds);
        U32((uint)fraction);
        U32((uint)data.Length);
        U32((uint)data.Length);
        _stream.Write(data);
        return this;
    }

    public CaptureFileWriter Section()
    {
        Block(0x0A0D0D0A, body =>
        {
            body.U32(0x1A2B3C4D);
            body.U16(1);
            body.U16(0);
            body.U64(ulong.MaxValue);
        });
        return this;
    }

    /// <summary>An interface; <paramref name="tsresol"/> is the raw if_tsresol byte (null: the default, microseconds).</summary>
    public CaptureFileWriter Interface(LinkType linkType, byte? tsresol = null)
    {
        Block(1, body =>
        {
            body.U16((ushort)linkType);
            body.U16(0);
            body.U32(65535);
            if (tsresol is { } r)
            {
                body.U16(9);
                body.U16(1);
                body._stream.Write([r, 0, 0, 0]);
                body.U16(0);
                body.U16(0);
            }
        });
        return this;
    }

    public CaptureFileWriter Enhanced(uint interfaceId, ulong ticks, byte[] data)
    {
        Block(6, body =>
        {
            body.U32(interfaceId);
            body.U32((uint)(ticks >> 32));
            body.U32((uint)ticks);
            body.U32((uint)data.Length);
            body.U32((uint)data.Length);
            body.Padded(data);
        });
        return this;
    }

    public CaptureFileWriter Simple(byte[] data)
    {
        Block(3, body =>
        {
            body.U32((uint)data.Length);
            body.Padded(data);
        });
        return this;
    }

    /// <summary>A block the reader must skip (a name resolution block).</summary>
    public CaptureFileWriter Other()
    {
        Block(4, body => body.U32(0));
        return this;
    }

    private void Block(uint type, Action<CaptureFileWriter> writeBody)
    {
        var body = new CaptureFileWriter(_bigEndian);
        writeBody(body);
        var bytes = body.ToArray();
        var total = (uint)(bytes.Length + 12);
        U32(type);
        U32(total);
        _stream.Write(bytes);
        U32(total);
    }

    private void Padded(byte[] data)
    {
        _stream.Write(data);
        _stream.Write(new byte[(4 - (data.Length & 3)) & 3]);
    }

    private void U16(ushort v)
    {
        Span<byte> b = stackalloc byte[2];
        if (_bigEndian)
        {
            BinaryPrimitives.WriteUInt16BigEndian(b, v);
        }
        else
        {
            BinaryPrimitives.WriteUInt16LittleEndian(b, v);
        }
        _stream.Write(b);
    }

    private void U32(uint v)
    {
        Span<byte> b = stackalloc byte[4];
        if (_bigEndian)
        {
            BinaryPrimitives.WriteUInt32BigEndian(b, v);
        }
        else
        {
            BinaryPrimitives.WriteUInt32LittleEndian(b, v);
        }
        _stream.Write(b);
    }

    private void U64(ulong v)
    {
        U32(_bigEndian ? (uint)(v >> 32) : (uint)v);
        U32(_bigEndian ? (uint)v : (uint)(v >> 32));
    }
}
