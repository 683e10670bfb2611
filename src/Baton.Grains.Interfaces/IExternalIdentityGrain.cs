using Orleans.Concurrency;

namespace Baton.Grains;

/// <summary>
/// The one owner of an external identity (key = <see cref="ExternalIdentityKey.Of"/>: the provider's
/// name and the provider's subject, never an email): which Baton user it signs in. The key makes an
/// identity belong to at most one user. Only <see cref="IUserIdentitiesGrain"/> claims and releases
/// it, in a turn of the user's grain, so linking and unlinking are serialized per user.
/// </summary>
[Alias("Baton.IExternalIdentityGrain")]
public interface IExternalIdentityGrain : IGrainWithStringKey
{
    /// <summary>The user this identity signs in, or null; never writes.</summary>
    [ReadOnly]
    [Alias("GetUser")]
    Task<string?> GetUserAsync();

    /// <summary>
    /// Points the identity at <paramref name="userId"/> when it points at nobody (or at
    /// <paramref name="replacing"/>, a user whose account is gone). Returns the user it points at
    /// afterwards: <paramref name="userId"/> when claimed, another id when another user holds it.
    /// </summary>
    [Alias("Claim")]
    Task<string> ClaimAsync(string userId, string? replacing);

    /// <summary>Forgets the identity if it points at <paramref name="userId"/>.</summary>
    [Alias("Release")]
    Task ReleaseAsync(string userId);
}
