using System.Runtime.CompilerServices;

namespace TcpShadow.DataPlane.Packets;

/// <summary>
/// A TCP connection's 4-tuple seen from the client: client address and port, server address and port.
/// Sessions are keyed by all four, never by the client address and port alone.
/// </summary>
public readonly struct FlowKey : IEquatable<FlowKey>
{
    /// <summary>Bytes of the wire form: two 16-byte addresses and two ports.</summary>
    public const int WireSize = 36;

    public FlowKey(FlowAddress client, ushort clientPort, FlowAddress server, ushort serverPort)
    {
        Client = client;
        Server = server;
        ClientPort = clientPort;
        ServerPort = serverPort;
    }

    public FlowAddress Client { get; }

    public FlowAddress Server { get; }

    public ushort ClientPort { get; }

    public ushort ServerPort { get; }

    /// <summary>A 64-bit mix of all four fields; the shard and the intercept route by it.</summary>
    public ulong Hash
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get
        {
            var h = Client.Hash64 ^ (Server.Hash64 * 0xC2B2AE3D27D4EB4FUL) ^ ((ulong)ClientPort << 16 | ServerPort);
            h ^= h >> 33;
            h *= 0xFF51AFD7ED558CCDUL;
            h ^= h >> 33;
            return h;
        }
    }

    /// <summary>Writes client(16) clientPort(2) server(16) serverPort(2), network order.</summary>
    public void Write(Span<byte> destination)
    {
        Client.Write16(destination);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt16BigEndian(destination[16..], ClientPort);
        Server.Write16(destination[18..]);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt16BigEndian(destination[34..], ServerPort);
    }

    public static FlowKey Read(ReadOnlySpan<byte> source) => new(
        FlowAddress.Read16(source),
        System.Buffers.Binary.BinaryPrimitives.ReadUInt16BigEndian(source[16..]),
        FlowAddress.Read16(source[18..]),
        System.Buffers.Binary.BinaryPrimitives.ReadUInt16BigEndian(source[34..]));

    public bool Equals(FlowKey other) =>
        ClientPort == other.ClientPort && ServerPort == other.ServerPort && Client == other.Client && Server == other.Server;

    public override bool Equals(object? obj) => obj is FlowKey other && Equals(other);

    public override int GetHashCode() => (int)Hash;

    public static bool operator ==(FlowKey left, FlowKey right) => left.Equals(right);

    public static bool operator !=(FlowKey left, FlowKey right) => !left.Equals(right);

    public override string ToString() => $"{Client}:{ClientPort}->{Server}:{ServerPort}";
}
