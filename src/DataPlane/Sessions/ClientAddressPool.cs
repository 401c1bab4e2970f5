using TcpShadow.DataPlane.Packets;

namespace TcpShadow.DataPlane.Sessions;

/// <summary>
/// The -c rewrite: maps each real client address onto a pool of fake client addresses. The first choice is a stable
/// function of the real address, so one client's reused ports land on the same fake address (keeping its sequence and
/// timestamp history monotonic for the target's TIME_WAIT checks); a collision with a live session moves to the next.
/// </summary>
public sealed class ClientAddressPool
{
    private readonly FlowAddress[] _addresses;

    public ClientAddressPool(IReadOnlyList<FlowAddress> addresses)
    {
        if (addresses.Count == 0)
        {
            throw new ArgumentException("The client address pool is empty.", nameof(addresses));
        }
        _addresses = [.. addresses];
    }

    public int Count => _addresses.Length;

    public FlowAddress this[int index] => _addresses[index];

    /// <summary>The preferred pool index for a real client address.</summary>
    public int PreferredIndex(in FlowAddress client) => (int)((client.Hash64 * 0x9E3779B97F4A7C15UL >> 32) % (ulong)_addresses.Length);
}
