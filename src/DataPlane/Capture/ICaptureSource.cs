using TcpShadow.DataPlane.Packets;

namespace TcpShadow.DataPlane.Capture;

/// <summary>A per-shard packet source. Shards are generic over a struct implementing it.</summary>
public interface ICaptureSource
{
    /// <summary>The link type of every frame this source yields.</summary>
    LinkType LinkType { get; }

    /// <summary>A pollable fd that becomes readable when frames wait, or -1 for a source that is never idle.</summary>
    int PollFd { get; }

    /// <summary>When a source without a fd next has a frame due, in the shard's microsecond clock; long.MaxValue for "when the fd says".</summary>
    long NextDueUs { get; }

    /// <summary>Hands up to <paramref name="max"/> waiting frames to the handler without blocking; returns how many.</summary>
    int Drain<THandler>(ref THandler handler, int max)
        where THandler : struct, IFrameHandler;
}
