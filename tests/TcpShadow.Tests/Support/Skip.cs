namespace TcpShadow.Tests.Support;

/// <summary>Dynamic skips with a stated reason (xunit v3 <c>Assert.Skip*</c>).</summary>
public static class Skip
{
    public const string NeedsRootReason = "end-to-end tests need root to create network namespaces";

    public static bool IsRoot => LibC.GetEffectiveUserId() == 0;

    public static void UnlessRoot() => Assert.SkipUnless(IsRoot, NeedsRootReason);
}
