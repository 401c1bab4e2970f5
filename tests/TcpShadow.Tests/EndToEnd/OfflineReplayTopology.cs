namespace TcpShadow.Tests.EndToEnd;

public sealed class OfflineReplayTopology() : TopologyFixture("e2e-off");
