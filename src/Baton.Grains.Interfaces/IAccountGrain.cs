using Orleans.Concurrency;

namespace Baton.Grains;

/// <summary>
/// The one owner of an account (DESIGN.md §1, "Other grains"; key = the normalized username,
/// <see cref="Core.Users.UsernameNormalizer.Normalize"/>): the key makes usernames unique. It holds
/// the password hash and counts login outcomes; it never hashes (the API front does).
/// </summary>
[Alias("Baton.IAccountGrain")]
public interface IAccountGrain : IGrainWithStringKey
{
    /// <summary>The account (if any) and the username's lockout from failed logins; never writes.</summary>
    [ReadOnly]
    [Alias("Get")]
    Task<AccountLookup> GetAsync();

    /// <summary>
    /// Stores a new account under this username: first its look-alike reservation
    /// (<see cref="IUsernameSkeletonGrain"/>), then its id (<see cref="IAccountIdGrain"/>), then the
    /// account itself (ETag'd: a second writer of the key fails). Refused when the username or its
    /// skeleton is taken.
    /// </summary>
    [Alias("Register")]
    Task<RegistrationResult> RegisterAsync(AccountDetails account);

    /// <summary>
    /// Counts a failed login (an account's count is stored; an unknown username's is kept in the
    /// silo's memory, bounded): reaching the limit locks the username out and restarts the count.
    /// Returns the lockout's end when the username is locked out after this failure.
    /// </summary>
    [Alias("RecordFailure")]
    Task<DateTimeOffset?> RecordFailureAsync();

    /// <summary>Clears the failure count; replaces the hash when <paramref name="rehashedPassword"/> is given (the iteration count grew).</summary>
    [Alias("RecordSuccess")]
    Task RecordSuccessAsync(string? rehashedPassword);

    /// <summary>Sets a new password hash and security stamp; false when this username holds no account with that id.</summary>
    [Alias("SetPassword")]
    Task<bool> SetPasswordAsync(string userId, string passwordHash, string securityStamp);

    /// <summary>Ends a lockout from failed logins early and clears the count; false when there is no account.</summary>
    [Alias("ClearLockout")]
    Task<bool> ClearLockoutAsync();

    /// <summary>Deletes the account with that id (then frees its skeleton and id); false when this username holds no such account.</summary>
    [Alias("Delete")]
    Task<bool> DeleteAsync(string userId);

    /// <summary>
    /// Frees the skeleton reservation this username holds when it holds no account (a registration
    /// that crashed between its steps, or a delete that did): true when it was freed. Runs as a turn
    /// of this grain, so it cannot overtake a registration of this username in progress.
    /// </summary>
    [Alias("ReleaseUnusedSkeleton")]
    Task<bool> ReleaseUnusedSkeletonAsync(string skeleton);

    /// <summary>Stores an account migrated from an older store as it is, if the username holds none; its skeleton is reserved when free.</summary>
    [Alias("Import")]
    Task<bool> ImportAsync(AccountDetails account);
}
