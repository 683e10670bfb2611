using Orleans.Concurrency;

namespace Baton.Grains;

/// <summary>
/// The index from a user id (key) to the normalized username of its account, for the lookups by id
/// (password change, the admin API, the trusted backend's "is this a local account" check). Written
/// by <see cref="IAccountGrain"/> before the account and cleared after it, so a lookup that finds
/// an index entry confirms it against the account (<see cref="AccountDetails.Id"/>).
/// </summary>
[Alias("Baton.IAccountIdGrain")]
public interface IAccountIdGrain : IGrainWithStringKey
{
    /// <summary>The normalized username the id was registered under, or null; never writes.</summary>
    [ReadOnly]
    [Alias("GetUsername")]
    Task<string?> GetUsernameAsync();

    /// <summary>Points the id at <paramref name="normalizedUsername"/>.</summary>
    [Alias("Set")]
    Task SetAsync(string normalizedUsername);

    /// <summary>Forgets the id if it points at <paramref name="normalizedUsername"/>.</summary>
    [Alias("Clear")]
    Task ClearAsync(string normalizedUsername);
}
