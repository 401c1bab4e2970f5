using TcpShadow.DataPlane.Feedback;
using TcpShadow.DataPlane.Packets;

namespace TcpShadow.Tests.Support;

public sealed class RecordingRegistrar : IRegistrar
{
    public List<FlowKey> Registered { get; } = new();

    public List<FlowKey> Unregistered { get; } = new();

    public bool TryRegister(in FlowKey targetTuple)
    {
        Registered.Add(targetTuple);
        return true;
    }

    public bool TryUnregister(in FlowKey targetTuple)
    {
        Unregistered.Add(targetTuple);
        return true;
    }
}
