namespace Baton.Grains;

/// <summary>The persistent state of a <see cref="UsernameSkeletonGrain"/> or an <see cref="AccountIdGrain"/>: the normalized username it points at, or null.</summary>
/// <param name="NormalizedUsername">The account's lookup key.</param>
public sealed record NameState(string? NormalizedUsername)
{
    /// <summary>Nothing stored.</summary>
    public NameState()
        : this((string?)null)
    {
    }
}
