using TcpShadow.DataPlane.Packets;

namespace TcpShadow.DataPlane.Feedback;

/// <summary>Registers every tuple with every intercept node (the single-tier layout: any node may see any response).</summary>
public sealed class FanOutRegistrar : IRegistrar
{
    private readonly IRegistrar[] _targets;

    public FanOutRegistrar(IReadOnlyList<IRegistrar> targets) => _targets = [.. targets];

    public bool TryRegister(in FlowKey targetTuple)
    {
        var ok = true;
        foreach (var target in _targets)
        {
            ok &= target.TryRegister(targetTuple);
        }
        return ok;
    }

    public bool TryUnregister(in FlowKey targetTuple)
    {
        var ok = true;
        foreach (var target in _targets)
        {
            ok &= target.TryUnregister(targetTuple);
        }
        return ok;
    }
}
