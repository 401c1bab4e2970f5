namespace TcpShadow.Intercept.Protocol;

/// <summary>Numbers of the intercept channel's wire protocol (all integers big-endian).</summary>
public static class ProtocolConstants
{
    /// <summary>"TS" read as a big-endian u16.</summary>
    public const ushort Magic = 0x5453;

    public const ushort Version = 1;

    public const ushort MinSupportedVersion = 1;

    public const ushort MaxSupportedVersion = 1;

    public const int DefaultPort = 36524;

    /// <summary>magic u16, type u8, flags u8, body length u32.</summary>
    public const int HeaderSize = 8;

    /// <summary>1 MiB: larger bodies are rejected as InvalidData before they are buffered.</summary>
    public const int DefaultMaxBody = 1 << 20;

    public const int HelloBodySize = 12;

    public const int HelloAckBodySize = 8;

    public const int HeartbeatBodySize = 8;

    /// <summary>The u16 record count that opens Register, Unregister and Responses bodies.</summary>
    public const int CountSize = 2;

    /// <summary>u64 capture timestamp and u16 length in front of each Responses record.</summary>
    public const int ResponseRecordHeaderSize = 10;

    public const int MaxRecordsPerFrame = ushort.MaxValue;

    public const int MagicOffset = 0;
    public const int TypeOffset = 2;
    public const int FlagsOffset = 3;
    public const int LengthOffset = 4;
}
