using System.Collections.Immutable;
using Baton.Core;
using Baton.Core.Storage;
using Baton.Grains;
using Baton.Core.Users;
using Baton.Api.Options;
using Baton.Api.Sessions;
using Microsoft.AspNetCore.Identity;

namespace Baton.Api.Accounts;

/// <summary>
/// Registration, password checks with lockout, and password changes, on the accounts' grains
/// (<see cref="IAccountGrain"/>, key = the normalized username). Hashing and verification (PBKDF2)
/// run here, never in a grain turn; the grain hands out the hash and counts the outcomes. A grain
/// that cannot be reached or cannot store surfaces as <see cref="StoreUnavailableException"/> (503).
/// </summary>
internal sealed class AccountService(
    IGrainFactory grains,
    IPasswordHasher<UserAccount> hasher,
    PasswordWork passwords,
    SessionService sessions,
    PasswordCheckLimiter limiter,
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
        user = user with { PasswordHash = await passwords.RunAsync(() => hasher.HashPassword(user, password), cancellationToken) };
        return await StoreAsync(user, cancellationToken) ? (user, false) : (null, true);
    }

    /// <summary>
    /// Creates an account without a password for a first external sign-in: under the first of
    /// <paramref name="usernames"/> that is valid and free (the caller ends the list with a random
    /// one), or null when none was.
    /// </summary>
    public async Task<UserAccount?> CreateExternalAsync(IEnumerable<string> usernames, CancellationToken cancellationToken)
    {
        foreach (var username in usernames)
        {
            if (username.Length is 0 or > 64 || UsernameRules.Check(username) is not null)
            {
                continue;
            }

            var user = new UserAccount(RandomIds.New(), username, UsernameNormalizer.Normalize(username), null, [], RandomIds.New(), 0, null, time.GetUtcNow());
            if (await StoreAsync(user, cancellationToken))
            {
                return user;
            }
        }

        return null;
    }

    private async Task<bool> StoreAsync(UserAccount user, CancellationToken cancellationToken)
    {
        var details = AccountDetails.From(user);
        var grain = Account(user.NormalizedUsername);
        var result = await CallAsync(() => grain.RegisterAsync(details), cancellationToken);

        // The look-alike's reservation may be left over from a registration or delete that crashed
        // between its steps: its holder frees it when it holds no account, and this registration goes again once.
        if (result is { Status: RegistrationStatus.LooksLikeAnother, SkeletonOwner: { } owner }
            && await CallAsync(() => Account(owner).ReleaseUnusedSkeletonAsync(user.UsernameSkeleton), cancellationToken))
        {
            result = await CallAsync(() => grain.RegisterAsync(details), cancellationToken);
        }

        return result.Status == RegistrationStatus.Created;
    }

    /// <summary>Checks a login's username and password (<see cref="CheckAsync"/>).</summary>
    public async Task<PasswordCheck> CheckPasswordAsync(string username, string password, string? address, CancellationToken cancellationToken)
    {
        // A username that cannot be normalized (an unpaired surrogate) names no account: the decoy
        // path, counted under a key no normalized username can have (they hold no lower-case ASCII).
        var key = UsernameNormalizer.TryNormalize(username, out var normalized)
            ? normalized
            : "invalid:" + Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.Unicode.GetBytes(username)));
        if (limiter.TryAcquire(normalized ?? username, address) is { } wait)
        {
            return PasswordCheck.Failed(ErrorCode.RateLimited, wait);
        }

        var grain = Account(key);
        return await CheckAsync(grain, await CallAsync(grain.GetAsync, cancellationToken), password, cancellationToken);
    }

    /// <summary>
    /// The one password check every endpoint goes through, after a permit from the per-user and
    /// per-address budget: one PBKDF2 verification on every path (an unknown username costs the
    /// same time as a wrong password), then the lockout. Failures count toward the username's
    /// lockout in its grain, whether an account holds it or not, so neither the time nor the
    /// answers tell them apart.
    /// </summary>
    private async Task<PasswordCheck> CheckAsync(IAccountGrain grain, AccountLookup lookup, string password, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (lookup.Account is not { PasswordHash: { } hash } details)
        {
            await passwords.RunAsync(() => hasher.VerifyHashedPassword(Nobody, _decoyHash.Value, password), cancellationToken);
            if (lookup.LockedUntil is { } until && now < until)
            {
                return PasswordCheck.Failed(ErrorCode.AccountLocked, until - now);
            }

            return await FailedAsync(grain, now, cancellationToken);
        }

        var user = details.ToAccount();
        var verdict = await passwords.RunAsync(() => hasher.VerifyHashedPassword(user, hash, password), cancellationToken);
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
            return await FailedAsync(grain, now, cancellationToken);
        }

        var rehashed = verdict == PasswordVerificationResult.SuccessRehashNeeded ? await passwords.RunAsync(() => hasher.HashPassword(user, password), cancellationToken) : null;
        if (user.FailedLoginCount > 0 || rehashed is not null)
        {
            await CallAsync(async () => { await grain.RecordSuccessAsync(rehashed); return true; }, cancellationToken);
        }

        return new PasswordCheck(user, null, null);
    }

    private static async Task<PasswordCheck> FailedAsync(IAccountGrain grain, DateTimeOffset now, CancellationToken cancellationToken) =>
        await CallAsync(grain.RecordFailureAsync, cancellationToken) is { } lockedUntil
            ? PasswordCheck.Locked(lockedUntil - now)
            : PasswordCheck.Failed(ErrorCode.InvalidCredentials);

    /// <summary>The account with this id, or null (through the id index, confirmed by the account itself).</summary>
    public async Task<UserAccount?> FindAsync(string userId, CancellationToken cancellationToken) =>
        (await FindDetailsAsync(userId, cancellationToken))?.ToAccount();

    /// <summary>The account with this username (normalized as at registration), or null.</summary>
    public Task<UserAccount?> FindByUsernameAsync(string username, CancellationToken cancellationToken) =>
        FindByNormalizedUsernameAsync(UsernameNormalizer.Normalize(username), cancellationToken);

    /// <summary>Ends a lockout from failed logins early (an administrator's unlock).</summary>
    public async Task ClearLockoutAsync(string userId, CancellationToken cancellationToken)
    {
        if (await FindDetailsAsync(userId, cancellationToken) is { } account)
        {
            await CallAsync(Account(account.NormalizedUsername).ClearLockoutAsync, cancellationToken);
        }
    }

    /// <summary>Deletes the account, which frees its username and look-alikes; the caller closes its ledger first, so no session outlives it.</summary>
    public async Task<bool> DeleteAsync(string userId, CancellationToken cancellationToken) =>
        await FindDetailsAsync(userId, cancellationToken) is { } account
        && await CallAsync(() => Account(account.NormalizedUsername).DeleteAsync(userId), cancellationToken);

    /// <summary>
    /// Verifies the current password as a login would (<see cref="CheckAsync"/>: the same budget,
    /// failure count and lockout) and stores the new one; the caller ends the other sessions.
    /// </summary>
    public async Task<PasswordCheck> ChangePasswordAsync(string userId, string currentPassword, string newPassword, string? address, CancellationToken cancellationToken)
    {
        // The caller holds a token of this user, so a missing account reveals nothing.
        if (await FindDetailsAsync(userId, cancellationToken) is not { } account)
        {
            return PasswordCheck.Failed(ErrorCode.InvalidCredentials);
        }

        if (limiter.TryAcquire(account.NormalizedUsername, address) is { } wait)
        {
            return PasswordCheck.Failed(ErrorCode.RateLimited, wait);
        }

        var grain = Account(account.NormalizedUsername);
        var check = await CheckAsync(grain, await CallAsync(grain.GetAsync, cancellationToken), currentPassword, cancellationToken);
        if (check.User is not { } user)
        {
            return check;
        }

        var newHash = await passwords.RunAsync(() => hasher.HashPassword(user, newPassword), cancellationToken);
        return await CallAsync(() => grain.SetPasswordAsync(userId, newHash, RandomIds.New()), cancellationToken)
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
        var existing = await FindByNormalizedUsernameAsync(normalized, cancellationToken);
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
            existing = await FindByNormalizedUsernameAsync(normalized, cancellationToken) ?? throw new InvalidOperationException(
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

    private async Task<UserAccount?> FindByNormalizedUsernameAsync(string normalizedUsername, CancellationToken cancellationToken) =>
        (await CallAsync(Account(normalizedUsername).GetAsync, cancellationToken)).Account?.ToAccount();

    private async Task<AccountDetails?> FindDetailsAsync(string userId, CancellationToken cancellationToken)
    {
        if (await CallAsync(grains.GetGrain<IAccountIdGrain>(userId).GetUsernameAsync, cancellationToken) is not { } normalized)
        {
            return null;
        }

        // An id left behind by a registration that crashed before its account was written points at no account of its own.
        var account = (await CallAsync(Account(normalized).GetAsync, cancellationToken)).Account;
        return account is not null && string.Equals(account.Id, userId, StringComparison.Ordinal) ? account : null;
    }

    private IAccountGrain Account(string normalizedUsername) => grains.GetGrain<IAccountGrain>(normalizedUsername);

    private static Task<T> CallAsync<T>(Func<Task<T>> call, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return GrainFailures.AsStoreFailureAsync(call);
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
