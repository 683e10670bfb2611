using Baton.Core.Users;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Baton.Grains;

/// <summary>
/// The one owner of an account (key = the normalized username). It stores and counts; the API
/// front hashes and verifies passwords, so no PBKDF2 runs in a grain turn.
/// </summary>
/// <remarks>
/// <para>Registration, in one turn of this grain: reserve the username's confusable skeleton
/// (<see cref="UsernameSkeletonGrain"/>), point the new id at this username (<see cref="AccountIdGrain"/>),
/// then write the account with the stored ETag. A crash between the steps leaves a reservation
/// (and an id) without an account: this username can register again at once (the reservation is
/// its own), and a look-alike that finds the reservation asks this grain to free it
/// (<see cref="ReleaseUnusedSkeletonAsync"/>), a turn of its own that cannot overtake a
/// registration in progress, and that writes this grain's state first so that a second activation
/// still registering here would fail on its stale ETag. So no crash leaves two look-alikes
/// registrable, and none blocks a skeleton for good. A dangling id finds no account whose id is its own.</para>
/// <para>Only this grain calls the skeleton and id grains, and they call nothing, so calls cannot cycle.</para>
/// </remarks>
public sealed class AccountGrain(
    [PersistentState("account", "accounts")] IPersistentState<AccountState> state,
    UnknownUsernameLockouts unknownUsernames,
    IOptions<LockoutPolicy> policy,
    [FromKeyedServices(BatonGrainsSiloBuilderExtensions.ClockKey)] TimeProvider time,
    ILogger<AccountGrain> logger) : Grain, IAccountGrain
{
    private string NormalizedUsername => this.GetPrimaryKeyString();

    private AccountDetails? Account => state.State.Account;

    /// <inheritdoc />
    public Task<AccountLookup> GetAsync()
    {
        var now = time.GetUtcNow();
        var lockedUntil = Account is { } account
            ? account.LockedUntil is { } until && now < until ? until : null
            : unknownUsernames.LockedUntil(NormalizedUsername, now);
        return Task.FromResult(new AccountLookup(Account, lockedUntil));
    }

    /// <inheritdoc />
    public async Task<RegistrationResult> RegisterAsync(AccountDetails account)
    {
        ArgumentNullException.ThrowIfNull(account);
        RequireKey(account);
        if (Account is not null)
        {
            return new RegistrationResult(RegistrationStatus.UsernameTaken);
        }

        if (await Skeleton(UsernameNormalizer.Skeleton(account.Username)).ClaimAsync(NormalizedUsername) is { } owner)
        {
            return new RegistrationResult(RegistrationStatus.LooksLikeAnother, owner);
        }

        await GrainFactory.GetGrain<IAccountIdGrain>(account.Id).SetAsync(NormalizedUsername);
        await state.CommitAsync(new AccountState(account), this, logger);
        unknownUsernames.Forget(NormalizedUsername);
        return new RegistrationResult(RegistrationStatus.Created);
    }

    /// <inheritdoc />
    public async Task<bool> ImportAsync(AccountDetails account)
    {
        ArgumentNullException.ThrowIfNull(account);
        RequireKey(account);
        if (Account is not null)
        {
            return false;
        }

        // Two old accounts that look alike both stay (the older one, imported first, holds the skeleton).
        if (UsernameNormalizer.TryNormalize(account.Username, out _))
        {
            await Skeleton(UsernameNormalizer.Skeleton(account.Username)).ClaimAsync(NormalizedUsername);
        }

        await GrainFactory.GetGrain<IAccountIdGrain>(account.Id).SetAsync(NormalizedUsername);
        await state.CommitAsync(new AccountState(account), this, logger);
        return true;
    }

    /// <inheritdoc />
    public async Task<DateTimeOffset?> RecordFailureAsync()
    {
        var now = time.GetUtcNow();
        if (Account is not { } account)
        {
            return unknownUsernames.RecordFailure(NormalizedUsername, now);
        }

        var (count, lockedUntil) = policy.Value.Fail(account.FailedLoginCount, now);
        var next = account with { FailedLoginCount = count, LockedUntil = lockedUntil ?? account.LockedUntil };
        await state.CommitAsync(new AccountState(next), this, logger);
        return next.LockedUntil is { } until && now < until ? until : null;
    }

    /// <inheritdoc />
    public async Task RecordSuccessAsync(string? rehashedPassword)
    {
        if (Account is { } account && (account.FailedLoginCount > 0 || rehashedPassword is not null))
        {
            await state.CommitAsync(new AccountState(account with { FailedLoginCount = 0, PasswordHash = rehashedPassword ?? account.PasswordHash }), this, logger);
        }
    }

    /// <inheritdoc />
    public async Task<bool> SetPasswordAsync(string userId, string passwordHash, string securityStamp)
    {
        if (Account is not { } account || !string.Equals(account.Id, userId, StringComparison.Ordinal))
        {
            return false;
        }

        await state.CommitAsync(new AccountState(account with { PasswordHash = passwordHash, SecurityStamp = securityStamp, FailedLoginCount = 0 }), this, logger);
        return true;
    }

    /// <inheritdoc />
    public async Task<bool> ClearLockoutAsync()
    {
        if (Account is not { } account)
        {
            return false;
        }

        if (account.FailedLoginCount > 0 || account.LockedUntil is not null)
        {
            await state.CommitAsync(new AccountState(account with { FailedLoginCount = 0, LockedUntil = null }), this, logger);
        }

        return true;
    }

    /// <inheritdoc />
    public async Task<bool> DeleteAsync(string userId)
    {
        if (Account is not { } account || !string.Equals(account.Id, userId, StringComparison.Ordinal))
        {
            return false;
        }

        // The account first: a crash after it leaves a reservation that a look-alike frees
        // (ReleaseUnusedSkeletonAsync); the other order could leave an account whose look-alike registers.
        await state.CommitAsync(new AccountState(), this, logger);
        if (UsernameNormalizer.TryNormalize(account.Username, out _))
        {
            await Skeleton(UsernameNormalizer.Skeleton(account.Username)).ReleaseAsync(NormalizedUsername);
        }

        await GrainFactory.GetGrain<IAccountIdGrain>(account.Id).ClearAsync(NormalizedUsername);
        return true;
    }

    /// <inheritdoc />
    public async Task<bool> ReleaseUnusedSkeletonAsync(string skeleton)
    {
        if (Account is not null)
        {
            return false;
        }

        // A write of this grain's (empty) state first: should a second activation of this username
        // be registering right now, its account write then fails on the ETag instead of landing
        // after the reservation is gone.
        await state.CommitAsync(new AccountState(), this, logger);
        await Skeleton(skeleton).ReleaseAsync(NormalizedUsername);
        return true;
    }

    private IUsernameSkeletonGrain Skeleton(string skeleton) => GrainFactory.GetGrain<IUsernameSkeletonGrain>(skeleton);

    private void RequireKey(AccountDetails account)
    {
        if (!string.Equals(account.NormalizedUsername, NormalizedUsername, StringComparison.Ordinal))
        {
            throw new ArgumentException($"The account's normalized username is not this grain's key {NormalizedUsername}.", nameof(account));
        }
    }
}
