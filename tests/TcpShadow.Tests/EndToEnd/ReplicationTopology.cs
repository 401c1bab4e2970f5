namespace TcpShadow.Tests.EndToEnd;

public sealed class ReplicationTopology() : TopologyFixture("e2e-repl");
