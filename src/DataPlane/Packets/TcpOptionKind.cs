namespace TcpShadow.DataPlane.Packets;

/// <summary>TCP option kinds (IANA tcp-parameters).</summary>
public enum TcpOptionKind : byte
{
    EndOfList = 0,
    NoOp = 1,
    MaxSegmentSize = 2,
    WindowScale = 3,
    SackPermitted = 4,
    Sack = 5,
    Timestamps = 8,
}
