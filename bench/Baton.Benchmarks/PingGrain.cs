namespace Baton.Benchmarks;

/// <summary>The cheapest grain call there is: the baseline the Baton grain calls are measured against.</summary>
[Alias("Baton.Benchmarks.IPingGrain")]
public interface IPingGrain : IGrainWithIntegerKey
{
    /// <summary>Returns <paramref name="value"/> plus one.</summary>
    [Alias("Ping")]
    Task<int> Ping(int value);
}

/// <summary>Answers at once: no state, no storage, no await.</summary>
public sealed class PingGrain : Grain, IPingGrain
{
    /// <inheritdoc />
    public Task<int> Ping(int value) => Task.FromResult(value + 1);
}
