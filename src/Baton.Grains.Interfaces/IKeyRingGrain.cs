using System.Collections.Immutable;
using Orleans.Concurrency;

namespace Baton.Grains;

/// <summary>
/// The one writer of the shared signing key ring (DESIGN.md §1, "Other grains"; one grain, key
/// <see cref="DefaultKey"/>). It stores keys as the API fronts protected them with the master key
/// (the silo never holds a usable private key) and applies the ring's changes one at a time, so
/// fronts that start or rotate together converge on one ring: the first key under a kid wins.
/// </summary>
[Alias("Baton.IKeyRingGrain")]
public interface IKeyRingGrain : IGrainWithStringKey
{
    /// <summary>The key of the one ring.</summary>
    public const string DefaultKey = "default";

    /// <summary>Every stored key, active, pending and retired; never writes.</summary>
    [ReadOnly]
    [Alias("GetKeys")]
    Task<ImmutableArray<KeyDetails>> GetKeysAsync();

    /// <summary>Stores a new key; false, changing nothing, when its kid already exists.</summary>
    [Alias("TryAddKey")]
    Task<bool> TryAddKeyAsync(KeyDetails key);

    /// <summary>Marks a key retired from <paramref name="retiresAt"/> unless it already is; false when no key has that kid.</summary>
    [Alias("RetireKey")]
    Task<bool> RetireKeyAsync(string kid, DateTimeOffset retiresAt);

    /// <summary>Deletes retired keys whose retirement ended before <paramref name="before"/>; returns how many.</summary>
    [Alias("DeleteRetiredKeys")]
    Task<int> DeleteRetiredKeysAsync(DateTimeOffset before);
}
