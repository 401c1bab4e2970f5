namespace TcpShadow.Tests.EndToEnd;

public sealed class SanityTopology() : TopologyFixture("e2e-topo");
