namespace Baton.Core.Users;

/// <summary>Accounts. Each method touches one user; counters are updated atomically in the store.</summary>
public interface IUserStore
{
    /// <summary>Creates the account; false when its normalized username is taken.</summary>
    Task<bool> TryCreateAsync(UserAccount user, CancellationToken cancellationToken);

    /// <summary>The account with this id, or null.</summary>
    Task<UserAccount?> FindByIdAsync(string userId, CancellationToken cancellationToken);

    /// <summary>The account whose normalized username is <paramref name="normalizedUsername"/>, or null.</summary>
    Task<UserAccount?> FindByUsernameAsync(string normalizedUsername, CancellationToken cancellationToken);

    /// <summary>
    /// Counts a failed login atomically (so parallel guesses cannot lose increments); when the
    /// count reaches <paramref name="maxFailures"/> the account locks until <paramref name="now"/> +
    /// <paramref name="lockout"/> and the count restarts. Returns the updated account, or null if it does not exist.
    /// </summary>
    Task<UserAccount?> RecordFailedLoginAsync(string userId, DateTimeOffset now, int maxFailures, TimeSpan lockout, CancellationToken cancellationToken);

    /// <summary>Clears the failure count; replaces the password hash when <paramref name="rehashedPassword"/> is given (iteration count grew).</summary>
    Task RecordSuccessfulLoginAsync(string userId, string? rehashedPassword, CancellationToken cancellationToken);

    /// <summary>Sets a new password hash and security stamp; false when the account does not exist.</summary>
    Task<bool> SetPasswordAsync(string userId, string passwordHash, string securityStamp, CancellationToken cancellationToken);

    /// <summary>Replaces the account's roles; false when the account does not exist.</summary>
    Task<bool> SetRolesAsync(string userId, IReadOnlyList<string> roles, CancellationToken cancellationToken);

    /// <summary>Ends a lockout from failed logins early and clears the failure count; false when the account does not exist.</summary>
    Task<bool> ClearLockoutAsync(string userId, CancellationToken cancellationToken);

    /// <summary>Deletes the account, which frees its username; false when it did not exist.</summary>
    Task<bool> DeleteAsync(string userId, CancellationToken cancellationToken);
}
