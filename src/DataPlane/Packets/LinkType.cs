namespace TcpShadow.DataPlane.Packets;

/// <summary>pcap LINKTYPE_ values the parser understands (tcpdump.org/linktypes.html).</summary>
public enum LinkType : ushort
{
    Ethernet = 1,
    Raw = 101,
    LinuxSll = 113,
    LinuxSll2 = 276,
    /// <summary>DLT_RAW on some platforms (12) and LINKTYPE_IPV4 (228) carry a bare IP packet too.</summary>
    RawAlt = 12,
    Ipv4 = 228,
    Ipv6 = 229,
}
