namespace TcpShadow.Tests.EndToEnd;

/// <summary>The address plan of scripts/lib/netns.sh (keep the two in step).</summary>
public static class TestNetwork
{
    public const string ClientIp = "198.18.1.2";
    public const string LastClientIp = "198.18.1.9";
    public const string OnlineIp = "198.18.1.1";
    public const string OnlineSwitchIp = "198.18.2.1";
    public const string TargetIp = "198.18.2.2";
    public const string AssistIp = "198.18.2.3";
    public const string RewriteNet = "198.18.100.0/24";
    public const string RewritePrefix = "198.18.100.";
    public const string ClientPrefix = "198.18.1.";
    public const string AssistInterface = "a0";
    public const string OnlineSwitchInterface = "o1";
    public const int HttpPort = 80;
    public const int InterceptPort = 36524;
}
