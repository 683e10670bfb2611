using Orleans.Concurrency;

namespace Baton.Grains;

/// <summary>
/// The reservation of one confusable skeleton (<see cref="Core.Users.UsernameNormalizer.Skeleton"/>;
/// key = the skeleton) by one normalized username, so that no account can pass for another. Only
/// <see cref="IAccountGrain"/> claims and releases it, inside its own turns; it calls no grain.
/// </summary>
[Alias("Baton.IUsernameSkeletonGrain")]
public interface IUsernameSkeletonGrain : IGrainWithStringKey
{
    /// <summary>Reserves the skeleton for <paramref name="normalizedUsername"/>; null when it now holds it, otherwise the holder.</summary>
    [Alias("Claim")]
    Task<string?> ClaimAsync(string normalizedUsername);

    /// <summary>Frees the skeleton if <paramref name="normalizedUsername"/> holds it.</summary>
    [Alias("Release")]
    Task ReleaseAsync(string normalizedUsername);

    /// <summary>The normalized username holding the skeleton, or null; never writes.</summary>
    [ReadOnly]
    [Alias("GetOwner")]
    Task<string?> GetOwnerAsync();
}
