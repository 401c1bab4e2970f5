namespace TcpShadow.Tests.EndToEnd;

/// <summary>
/// End-to-end classes run one at a time, after the parallel unit tests: each pushes a 2-core
/// machine hard, and measured loss must not depend on what else runs.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class EndToEndCollection
{
    public const string Name = "EndToEnd";
}
