namespace TcpShadow.DataPlane.Capture;

/// <summary>What <see cref="PcapFileReader.ReadNext"/> found.</summary>
public enum PcapReadStatus : byte
{
    /// <summary>A packet record is current.</summary>
    Record,

    /// <summary>The file ended cleanly at a record boundary.</summary>
    End,

    /// <summary>A truncated or malformed record; <see cref="PcapFileReader.Error"/> says which and where.</summary>
    Corrupt,
}
