using TcpShadow.DataPlane.Packets;

namespace TcpShadow.DataPlane.Feedback;

/// <summary>
/// Tells the intercept tier which target-side tuples (fake client address and port, target address and port)
/// this replicator owns, so responses to them are routed here. Called on a shard thread: never blocks.
/// </summary>
public interface IRegistrar
{
    /// <summary>Queues a registration; false when the outgoing queue is full (the caller counts it).</summary>
    bool TryRegister(in FlowKey targetTuple);

    /// <summary>Queues a removal; false when the outgoing queue is full (the route then expires at intercept).</summary>
    bool TryUnregister(in FlowKey targetTuple);
}
