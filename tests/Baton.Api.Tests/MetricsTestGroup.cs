namespace Baton.Api.Tests;

/// <summary>Tests that count process-wide measurements run after the others, one at a time.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class MetricsTestGroup
{
    public const string Name = "Metrics";
}
