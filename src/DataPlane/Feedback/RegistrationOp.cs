using TcpShadow.DataPlane.Packets;

namespace TcpShadow.DataPlane.Feedback;

/// <summary>One queued registration change, carried from a shard to the client's sender.</summary>
internal readonly struct RegistrationOp
{
    public RegistrationOp(FlowKey key, bool register)
    {
        Key = key;
        Register = register;
    }

    public FlowKey Key { get; }

    public bool Register { get; }
}
