using System.Buffers.Binary;
using TcpShadow.DataPlane.Packets;

namespace TcpShadow.DataPlane.Sending;

/// <summary>
/// A dry run (<c>--dump FILE</c>): every packet the engine would put on the wire is written to a classic pcap file
/// (LINKTYPE_RAW, microsecond timestamps) instead. Without intercept no target answers, so a dump shows each session's
/// SYN and its retransmissions: which tuples, options and target addresses the replay would use.
/// </summary>
public readonly struct PcapDumpSender : IPacketSender, IDisposable
{
    private const int GlobalHeaderLength = 24;
    private const int RecordHeaderLength = 16;
    private const int SnapLength = 65535;

    private readonly Writer _writer;

    private PcapDumpSender(Writer writer) => _writer = writer;

    public string Path => _writer.Path;

    public long PacketsWritten => Volatile.Read(ref _writer.Packets);

    /// <summary>Creates (or truncates) <paramref name="path"/>; <paramref name="unixClockUs"/> stamps records (default: the wall clock).</summary>
    public static PcapDumpSender Create(string path, Func<long>? unixClockUs = null)
    {
        FileStream stream;
        try
        {
            stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.Read, 64 * 1024);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ArgumentException($"--dump: cannot create '{path}': {e.Message}. Give a writable file path.", e);
        }
        Span<byte> header = stackalloc byte[GlobalHeaderLength];
        BinaryPrimitives.WriteUInt32LittleEndian(header, 0xA1B2C3D4);
        BinaryPrimitives.WriteUInt16LittleEndian(header[4..], 2);
        BinaryPrimitives.WriteUInt16LittleEndian(header[6..], 4);
        BinaryPrimitives.WriteUInt64LittleEndian(header[8..], 0);
        BinaryPrimitives.WriteUInt32LittleEndian(header[16..], SnapLength);
        BinaryPrimitives.WriteUInt32LittleEndian(header[20..], (uint)LinkType.Raw);
        stream.Write(header);
        return new PcapDumpSender(new Writer(path, stream, unixClockUs ?? WallClockUs));
    }

    public int Flush(out int lastErrno)
    {
        lastErrno = 0;
        return 0;
    }

    public int Send(ReadOnlySpan<byte> ipPacket, in FlowAddress destination)
    {
        var writer = _writer;
        var now = writer.Clock();
        Span<byte> record = stackalloc byte[RecordHeaderLength];
        BinaryPrimitives.WriteUInt32LittleEndian(record, (uint)(now / 1_000_000));
        BinaryPrimitives.WriteUInt32LittleEndian(record[4..], (uint)(now % 1_000_000));
        BinaryPrimitives.WriteUInt32LittleEndian(record[8..], (uint)ipPacket.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(record[12..], (uint)ipPacket.Length);
        try
        {
            writer.Stream.Write(record);
            writer.Stream.Write(ipPacket);
        }
        catch (IOException)
        {
            // EIO: the engine counts it as a send error and the host logs the count.
            return 5;
        }
        writer.Packets++;
        return 0;
    }

    /// <summary>Flushes and closes the file; call after the shard stopped (the stream is the shard thread's alone).</summary>
    public void Dispose() => _writer.Stream.Dispose();

    private static long WallClockUs() => (DateTime.UtcNow.Ticks - DateTime.UnixEpoch.Ticks) / TimeSpan.TicksPerMicrosecond;

    private sealed class Writer(string path, FileStream stream, Func<long> clock)
    {
        public readonly string Path = path;
        public readonly FileStream Stream = stream;
        public readonly Func<long> Clock = clock;
        public long Packets;
    }
}
