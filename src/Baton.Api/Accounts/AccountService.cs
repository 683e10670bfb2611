using System.Collections.Immutable;
using Baton.Core;
using Baton.Core.Storage;
using Baton.Core.Users;
using Baton.Api.Options;
using Baton.Api.Sessions;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace Baton.Api.Accounts;

/// <summary>Registration, password checks with lockout, and password changes.</summary>
internal sealed class AccountService(
    IUserStore users,
    IPasswordHasher<UserAccount> hasher,
    IOptions<AccountOptions> options,
    SessionService sessions,
    PasswordCheckLimiter limiter,
    UnknownUsernameLockouts unknownUsernames,
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

    /// <summary>Checks a login's username and password (<see cref="CheckAsync"/>).</summary>
    public async Task<PasswordCheck> CheckPasswordAsync(string username, string password, string? address, CancellationToken cancellationToken)
    {
        // A username that cannot be normalized (an unpaired surrogate) names no account: the decoy path.
        var user = UsernameNormalizer.TryNormalize(username, out var normalized)
            ? await users.FindByUsernameAsync(normalized, cancellationToken)
            : null;
        return await CheckAsync(normalized ?? username, user, password, address, cancellationToken);
    }

    /// <summary>
    /// The one password check every endpoint goes through: a permit from the per-user and
    /// per-address budget, then one PBKDF2 verification on every path (an unknown username costs
    /// the same time as a wrong password), then the lockout. Failures count toward the account's
    /// lockout, or, for a username without a password account, toward the same lockout kept in
    /// <see cref="UnknownUsernameLockouts"/>, so neither the time nor the answers tell them apart.
    /// </summary>
    private async Task<PasswordCheck> CheckAsync(string normalizedUsername, UserAccount? user, string password, string? address, CancellationToken cancellationToken)
    {
        if (limiter.TryAcquire(normalizedUsername, address) is { } wait)
        {
            return PasswordCheck.Failed(ErrorCode.RateLimited, wait);
        }

        var now = time.GetUtcNow();
        if (user?.PasswordHash is not { } hash)
        {
            hasher.VerifyHashedPassword(Nobody, _decoyHash.Value, password);
            if (unknownUsernames.LockedUntil(normalizedUsername, now) is { } until)
            {
                return PasswordCheck.Failed(ErrorCode.AccountLocked, until - now);
            }

            return unknownUsernames.RecordFailure(normalizedUsername, now) is { } lockedUntil
                ? PasswordCheck.Locked(lockedUntil - now)
                : PasswordCheck.Failed(ErrorCode.InvalidCredentials);
        }

        var verdict = hasher.VerifyHashedPassword(user, hash, password);
        if (user.IsLockedOutAt(now))
        {
            return PasswordCheck.Failed(ErrorCode.AccountLocked, user.LockedUntil - now);
        }

        // An administrator's lock (kept in the ledger, Ledger.ClosedFor) gets the same answer
        // whether the password was right or not, and counts nothing either way: a guesser learns
        // nothing from it, and the account's failure count is left as the lock found it.
        var ledger = await sessions.SummaryAsync(user.Id, cancellationToken);
        if (!ledger.Succeeded)
        {
            return PasswordCheck.Failed(ErrorCode.Unavailable);
        }

        if (ledger.Outcome.ClosedFor is not null)
        {
            return PasswordCheck.Failed(ErrorCode.AccountLocked);
        }

        if (verdict == PasswordVerificationResult.Failed)
        {
            var settings = options.Value;
            var updated = await users.RecordFailedLoginAsync(user.Id, now, settings.MaxFailedLogins, settings.LockoutDuration, cancellationToken);
            return updated is not null && updated.IsLockedOutAt(now)
                ? PasswordCheck.Locked(updated.LockedUntil!.Value - now)
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

    /// <summary>
    /// Verifies the current password as a login would (<see cref="CheckAsync"/>: the same budget,
    /// failure count and lockout) and stores the new one; the caller ends the other sessions.
    /// </summary>
    public async Task<PasswordCheck> ChangePasswordAsync(string userId, string currentPassword, string newPassword, string? address, CancellationToken cancellationToken)
    {
        // The caller holds a token of this user, so a missing account reveals nothing.
        if (await users.FindByIdAsync(userId, cancellationToken) is not { } user)
        {
            return PasswordCheck.Failed(ErrorCode.InvalidCredentials);
        }

        var check = await CheckAsync(user.NormalizedUsername, user, currentPassword, address, cancellationToken);
        if (check.User is null)
        {
            return check;
        }

        return await users.SetPasswordAsync(userId, hasher.HashPassword(user, newPassword), RandomIds.New(), cancellationToken)
            ? check
            : PasswordCheck.Failed(ErrorCode.InvalidCredentials);
    }

    /// <summary>
    /// Creates the configured admin account unless an earlier start-up (of this node or another)
    /// did. The admin role is what marks that account: only this bootstrap grants it (registration
    /// sets no role, and <c>sessions:issue</c> neither sets reserved roles nor touches accounts), so
    /// an account with the username but without the role was registered by someone else and is
    /// never promoted: start-up fails instead. The configured password is used only on creation.
    /// </summary>
    public async Task EnsureAdminAsync(string username, string? password, CancellationToken cancellationToken)
    {
        if (UsernameRules.Check(username) is { } invalid)
        {
            throw new InvalidOperationException($"{BootstrapOptions.SectionName}:AdminUsername is not a valid username: {invalid}");
        }

        var normalized = UsernameNormalizer.Normalize(username);
        var existing = await users.FindByUsernameAsync(normalized, cancellationToken);
        if (existing is null)
        {
            if (string.IsNullOrEmpty(password))
            {
                throw new InvalidOperationException($"{BootstrapOptions.SectionName}:AdminPassword must be set to create the admin account '{username}'.");
            }

            if ((await RegisterAsync(username, password, [Roles.Admin], cancellationToken)).User is not null)
            {
                return;
            }

            // Another node's bootstrap, or a registration, took the username first: judge the winner.
            // No account under the name itself means a look-alike holds its skeleton.
            existing = await users.FindByUsernameAsync(normalized, cancellationToken) ?? throw new InvalidOperationException(
                $"{BootstrapOptions.SectionName}:AdminUsername '{username}' looks like an existing account's username (the same confusable skeleton), so it cannot be created; choose another name.");
        }

        if (existing is not null && !existing.Roles.Contains(Roles.Admin, StringComparer.Ordinal))
        {
            throw new InvalidOperationException(
                $"{BootstrapOptions.SectionName}:AdminUsername is '{username}', but an account with that username (id {existing.Id}) already exists " +
                "and was not created by the bootstrap, so it is not made an admin. Delete that account (start without " +
                $"{BootstrapOptions.SectionName}:AdminUsername and call DELETE /v1/admin/users/{existing.Id} with a sessions:admin API key), " +
                $"or choose another {BootstrapOptions.SectionName}:AdminUsername.");
        }
    }
}

/// <summary>The outcome of a password check.</summary>
/// <param name="User">The account, when the password was right and nothing refused it.</param>
/// <param name="Error">Why not, otherwise.</param>
/// <param name="RetryAfter">When to try again (a lockout from failed checks, a spent budget).</param>
/// <param name="ReachedLockout">This check's failure is the one that locked the account out.</param>
internal sealed record PasswordCheck(UserAccount? User, ErrorCode? Error, TimeSpan? RetryAfter, bool ReachedLockout = false)
{
    public static PasswordCheck Failed(ErrorCode error, TimeSpan? retryAfter = null) => new(null, error, retryAfter);

    public static PasswordCheck Locked(TimeSpan retryAfter) => new(null, ErrorCode.AccountLocked, retryAfter, ReachedLockout: true);
}
