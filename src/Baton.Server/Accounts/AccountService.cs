using System.Collections.Immutable;
using Baton.Core;
using Baton.Core.Engine;
using Baton.Core.Users;
using Baton.Server.Options;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace Baton.Server.Accounts;

/// <summary>Registration, password checks with lockout, and password changes.</summary>
internal sealed class AccountService(
    IUserStore users,
    IPasswordHasher<UserAccount> hasher,
    IOptions<AccountOptions> options,
    LedgerEngine engine,
    TimeProvider time)
{
    private static readonly UserAccount Nobody = new("", "", "", null, [], "", 0, null, DateTimeOffset.UnixEpoch);
    private readonly Lazy<string> _decoyHash = new(() => hasher.HashPassword(Nobody, RandomIds.New()));

    /// <summary>
    /// Creates the account; <c>Taken</c> when its normalized username or its confusable skeleton
    /// belongs to another account (one answer for both, so a look-alike reveals no more than the name).
    /// The caller has checked the username against <see cref="UsernameRules"/>.
    /// </summary>
    public async Task<(UserAccount? User, bool Taken)> RegisterAsync(string username, string password, IReadOnlyList<string> roles, CancellationToken cancellationToken)
    {
        var user = new UserAccount(
            Id: RandomIds.New(),
            Username: username,
            NormalizedUsername: UsernameNormalizer.Normalize(username),
            PasswordHash: null,
            Roles: [.. roles],
            SecurityStamp: RandomIds.New(),
            FailedLoginCount: 0,
            LockedUntil: null,
            CreatedAt: time.GetUtcNow());
        user = user with { PasswordHash = hasher.HashPassword(user, password) };
        return await users.TryCreateAsync(user, cancellationToken) ? (user, false) : (null, true);
    }

    /// <summary>
    /// Checks a username and password. Every path computes one PBKDF2 verification, so an
    /// unknown username costs the same time as a wrong password and does not reveal itself.
    /// </summary>
    public async Task<PasswordCheck> CheckPasswordAsync(string username, string password, CancellationToken cancellationToken)
    {
        // A username that cannot be normalized (an unpaired surrogate) names no account: the decoy path.
        var user = UsernameNormalizer.TryNormalize(username, out var normalized)
            ? await users.FindByUsernameAsync(normalized, cancellationToken)
            : null;
        if (user?.PasswordHash is not { } hash)
        {
            hasher.VerifyHashedPassword(Nobody, _decoyHash.Value, password);
            return PasswordCheck.Failed(ErrorCode.InvalidCredentials);
        }

        var now = time.GetUtcNow();
        var verdict = hasher.VerifyHashedPassword(user, hash, password);
        if (user.IsLockedOutAt(now))
        {
            return PasswordCheck.Failed(ErrorCode.AccountLocked, user.LockedUntil - now);
        }

        // An administrator's lock (kept in the ledger, Ledger.ClosedFor) gets the same answer
        // whether the password was right or not, and counts nothing either way: a guesser learns
        // nothing from it, and the account's failure count is left as the lock found it.
        var ledger = await engine.ReadAsync(user.Id, cancellationToken);
        if (!ledger.Succeeded)
        {
            return PasswordCheck.Failed(ErrorCode.Unavailable);
        }

        if (ledger.Outcome.ClosedFor is not null)
        {
            // A cached copy may predate an unlock on another node whose notice is on its way.
            ledger = await engine.ReadFreshAsync(user.Id, cancellationToken);
            if (!ledger.Succeeded)
            {
                return PasswordCheck.Failed(ErrorCode.Unavailable);
            }

            if (ledger.Outcome.ClosedFor is not null)
            {
                return PasswordCheck.Failed(ErrorCode.AccountLocked);
            }
        }

        if (verdict == PasswordVerificationResult.Failed)
        {
            var settings = options.Value;
            var updated = await users.RecordFailedLoginAsync(user.Id, now, settings.MaxFailedLogins, settings.LockoutDuration, cancellationToken);
            return updated is not null && updated.IsLockedOutAt(now)
                ? PasswordCheck.Failed(ErrorCode.AccountLocked, updated.LockedUntil - now)
                : PasswordCheck.Failed(ErrorCode.InvalidCredentials);
        }

        var rehashed = verdict == PasswordVerificationResult.SuccessRehashNeeded ? hasher.HashPassword(user, password) : null;
        if (user.FailedLoginCount > 0 || rehashed is not null)
        {
            await users.RecordSuccessfulLoginAsync(user.Id, rehashed, cancellationToken);
        }

        return new PasswordCheck(user, null, null);
    }

    /// <summary>The account with this id, or null.</summary>
    public Task<UserAccount?> FindAsync(string userId, CancellationToken cancellationToken) => users.FindByIdAsync(userId, cancellationToken);

    /// <summary>Ends a lockout from failed logins early (an administrator's unlock).</summary>
    public Task ClearLockoutAsync(string userId, CancellationToken cancellationToken) => users.ClearLockoutAsync(userId, cancellationToken);

    /// <summary>Deletes the account; the caller closes its ledger first, so no session outlives it.</summary>
    public Task<bool> DeleteAsync(string userId, CancellationToken cancellationToken) => users.DeleteAsync(userId, cancellationToken);

    /// <summary>Verifies the current password and stores the new one; the caller ends the other sessions.</summary>
    public async Task<ErrorCode?> ChangePasswordAsync(string userId, string currentPassword, string newPassword, CancellationToken cancellationToken)
    {
        var user = await users.FindByIdAsync(userId, cancellationToken);
        if (user?.PasswordHash is not { } hash || hasher.VerifyHashedPassword(user, hash, currentPassword) == PasswordVerificationResult.Failed)
        {
            return ErrorCode.InvalidCredentials;
        }

        return await users.SetPasswordAsync(userId, hasher.HashPassword(user, newPassword), RandomIds.New(), cancellationToken)
            ? null
            : ErrorCode.InvalidCredentials;
    }

    /// <summary>Creates the configured admin, or gives an existing account the admin role.</summary>
    public async Task EnsureAdminAsync(string username, string? password, CancellationToken cancellationToken)
    {
        if (UsernameRules.Check(username) is { } invalid)
        {
            throw new InvalidOperationException($"{BootstrapOptions.SectionName}:AdminUsername is not a valid username: {invalid}");
        }

        var existing = await users.FindByUsernameAsync(UsernameNormalizer.Normalize(username), cancellationToken);
        if (existing is null)
        {
            if (string.IsNullOrEmpty(password))
            {
                throw new InvalidOperationException($"{BootstrapOptions.SectionName}:AdminPassword must be set to create the admin account '{username}'.");
            }

            var (_, taken) = await RegisterAsync(username, password, [Roles.Admin], cancellationToken);
            if (taken)
            {
                throw new InvalidOperationException(
                    $"{BootstrapOptions.SectionName}:AdminUsername '{username}' looks like an existing account's username (the same confusable skeleton), so it cannot be created; choose another name.");
            }
        }
        else if (!existing.Roles.Contains(Roles.Admin))
        {
            await users.SetRolesAsync(existing.Id, [.. existing.Roles, Roles.Admin], cancellationToken);
        }
    }
}

/// <summary>The outcome of a password check.</summary>
internal sealed record PasswordCheck(UserAccount? User, ErrorCode? Error, TimeSpan? RetryAfter)
{
    public static PasswordCheck Failed(ErrorCode error, TimeSpan? retryAfter = null) => new(null, error, retryAfter);
}
