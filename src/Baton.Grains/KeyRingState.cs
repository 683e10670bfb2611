using System.Collections.Immutable;

namespace Baton.Grains;

/// <summary>The persistent state of the <see cref="KeyRingGrain"/>: every key of the ring, private keys as the API protected them.</summary>
/// <param name="Keys">The keys, in the order they were added.</param>
public sealed record KeyRingState(ImmutableArray<KeyDetails> Keys)
{
    /// <summary>An empty ring.</summary>
    public KeyRingState()
        : this(ImmutableArray<KeyDetails>.Empty)
    {
    }
}
