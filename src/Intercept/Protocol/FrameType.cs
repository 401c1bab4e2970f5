namespace TcpShadow.Intercept.Protocol;

/// <summary>The intercept channel's frame types (byte 2 of the frame header). Values are a wire contract.</summary>
public enum FrameType : byte
{
    /// <summary>Replicator → intercept: u16 min version, u16 max version, u64 replicator instance id.</summary>
    Hello = 1,

    /// <summary>Intercept → replicator: u16 chosen version, u16 reserved, u32 max frame body the intercept accepts.</summary>
    HelloAck = 2,

    /// <summary>Replicator → intercept: u16 count, then count target-side <c>FlowKey</c>s (36 bytes each).</summary>
    Register = 3,

    /// <summary>Replicator → intercept: same body as <see cref="Register"/>.</summary>
    Unregister = 4,

    /// <summary>Intercept → replicator: u16 count, then per record u64 capture time (unix ns), u16 length, the bytes.</summary>
    Responses = 5,

    /// <summary>Both ways: u64 sender time (unix ns).</summary>
    Heartbeat = 6,

    /// <summary>Both ways: u16 <see cref="ErrorCode"/>, then UTF-8 text; the sender closes after it.</summary>
    Error = 7,
}
