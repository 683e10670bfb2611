using System.Collections.Immutable;
using Baton.Core;
using Baton.Core.Audit;
using Baton.Core.Storage;
using Baton.Core.Ledgers;
using Baton.Core.Tokens;
using Baton.Core.Users;

namespace Baton.Testing.Storage;

/// <summary>
/// The behaviour of the store of accounts and signing keys, written once so that another backend
/// runs the same tests (the grains' state and the event log have their own suites in Baton.Storage.Tests).
/// Each test gets a fresh, migrated, empty database.
/// </summary>
public abstract class StoreContractTests
{
    protected static readonly DateTimeOffset Now = new(2026, 3, 4, 5, 6, 7, TimeSpan.Zero);

    /// <summary>A fresh, migrated, empty store.</summary>
    protected abstract Task<StoreUnderTest> CreateStoreAsync();

    [Fact]
    public async Task Users_CreateAndFind_ByIdAndNormalizedUsername()
    {
        await using var store = await CreateStoreAsync();
        var user = User("id-1", "Alice");

        Assert.True(await store.Users.TryCreateAsync(user, CancellationToken.None));

        Assert.Equal(user, await store.Users.FindByIdAsync("id-1", CancellationToken.None), UserComparer.Instance);
        Assert.Equal(user, await store.Users.FindByUsernameAsync("ALICE", CancellationToken.None), UserComparer.Instance);
        Assert.Null(await store.Users.FindByIdAsync("id-2", CancellationToken.None));
        Assert.Null(await store.Users.FindByUsernameAsync("BOB", CancellationToken.None));
    }

    [Fact]
    public async Task Users_DuplicateNormalizedUsername_IsRefused()
    {
        await using var store = await CreateStoreAsync();
        Assert.True(await store.Users.TryCreateAsync(User("id-1", "Alice"), CancellationToken.None));

        Assert.False(await store.Users.TryCreateAsync(User("id-2", "alice"), CancellationToken.None));
        Assert.Null(await store.Users.FindByIdAsync("id-2", CancellationToken.None));
    }

    [Fact]
    public async Task Users_SameConfusableSkeleton_IsRefused_UntilTheOtherIsDeleted()
    {
        await using var store = await CreateStoreAsync();
        Assert.True(await store.Users.TryCreateAsync(User("id-1", "admin"), CancellationToken.None));
        var lookAlike = User("id-2", "\u0430dmin"); // Cyrillic а: another normalized name, the same skeleton

        Assert.NotEqual("ADMIN", lookAlike.NormalizedUsername);
        Assert.False(await store.Users.TryCreateAsync(lookAlike, CancellationToken.None));
        Assert.Null(await store.Users.FindByIdAsync("id-2", CancellationToken.None));

        Assert.True(await store.Users.DeleteAsync("id-1", CancellationToken.None));
        Assert.True(await store.Users.TryCreateAsync(lookAlike, CancellationToken.None));
    }

    [Fact]
    public async Task RecordFailedLogin_Parallel_CountsEveryFailure_AndLocksAtTheLimit()
    {
        await using var store = await CreateStoreAsync();
        await using var other = await store.OpenAnotherAsync();
        Assert.True(await store.Users.TryCreateAsync(User("id-1", "Alice"), CancellationToken.None));

        await Task.WhenAll(Enumerable.Range(0, 20).Select(i => Task.Run(() =>
            (i % 2 == 0 ? store : other).Users.RecordFailedLoginAsync("id-1", Now, 100, TimeSpan.FromMinutes(5), CancellationToken.None))));

        Assert.Equal(20, (await store.Users.FindByIdAsync("id-1", CancellationToken.None))!.FailedLoginCount);
        var locked = await store.Users.RecordFailedLoginAsync("id-1", Now, 21, TimeSpan.FromMinutes(5), CancellationToken.None);
        Assert.NotNull(locked);
        Assert.Equal(0, locked.FailedLoginCount);
        Assert.Equal(Now + TimeSpan.FromMinutes(5), locked.LockedUntil);
        Assert.True(locked.IsLockedOutAt(Now));
        Assert.Null(await store.Users.RecordFailedLoginAsync("nobody", Now, 3, TimeSpan.FromMinutes(5), CancellationToken.None));
    }

    [Fact]
    public async Task RecordSuccessfulLogin_ClearsFailures_AndAppliesRehash()
    {
        await using var store = await CreateStoreAsync();
        Assert.True(await store.Users.TryCreateAsync(User("id-1", "Alice"), CancellationToken.None));
        await store.Users.RecordFailedLoginAsync("id-1", Now, 10, TimeSpan.FromMinutes(5), CancellationToken.None);

        await store.Users.RecordSuccessfulLoginAsync("id-1", null, CancellationToken.None);
        var cleared = await store.Users.FindByIdAsync("id-1", CancellationToken.None);
        await store.Users.RecordSuccessfulLoginAsync("id-1", "rehashed", CancellationToken.None);
        var rehashed = await store.Users.FindByIdAsync("id-1", CancellationToken.None);

        Assert.Equal(0, cleared!.FailedLoginCount);
        Assert.Equal("hash", cleared.PasswordHash);
        Assert.Equal("rehashed", rehashed!.PasswordHash);
    }

    [Fact]
    public async Task SetPasswordAndRoles_UpdateTheAccount_UnknownUserIsFalse()
    {
        await using var store = await CreateStoreAsync();
        Assert.True(await store.Users.TryCreateAsync(User("id-1", "Alice"), CancellationToken.None));

        Assert.True(await store.Users.SetPasswordAsync("id-1", "new-hash", "new-stamp", CancellationToken.None));
        Assert.True(await store.Users.SetRolesAsync("id-1", ["admin", "member"], CancellationToken.None));
        var user = await store.Users.FindByIdAsync("id-1", CancellationToken.None);

        Assert.Equal("new-hash", user!.PasswordHash);
        Assert.Equal("new-stamp", user.SecurityStamp);
        Assert.Equal<string>(["admin", "member"], user.Roles);
        Assert.False(await store.Users.SetPasswordAsync("nobody", "h", "s", CancellationToken.None));
        Assert.False(await store.Users.SetRolesAsync("nobody", ["x"], CancellationToken.None));
    }

    [Fact]
    public async Task ClearLockout_EndsTheLockoutAndTheCount_UnknownUserIsFalse()
    {
        await using var store = await CreateStoreAsync();
        Assert.True(await store.Users.TryCreateAsync(User("id-1", "Alice"), CancellationToken.None));
        await store.Users.RecordFailedLoginAsync("id-1", Now, 5, TimeSpan.FromMinutes(5), CancellationToken.None);
        Assert.True((await store.Users.RecordFailedLoginAsync("id-1", Now, 2, TimeSpan.FromMinutes(5), CancellationToken.None))!.IsLockedOutAt(Now));
        await store.Users.RecordFailedLoginAsync("id-1", Now, 5, TimeSpan.FromMinutes(5), CancellationToken.None);

        Assert.True(await store.Users.ClearLockoutAsync("id-1", CancellationToken.None));

        var user = await store.Users.FindByIdAsync("id-1", CancellationToken.None);
        Assert.Null(user!.LockedUntil);
        Assert.Equal(0, user.FailedLoginCount);
        Assert.False(await store.Users.ClearLockoutAsync("nobody", CancellationToken.None));
    }

    [Fact]
    public async Task Delete_RemovesTheAccountAndFreesTheUsername_Twice_IsFalse()
    {
        await using var store = await CreateStoreAsync();
        Assert.True(await store.Users.TryCreateAsync(User("id-1", "Alice"), CancellationToken.None));

        Assert.True(await store.Users.DeleteAsync("id-1", CancellationToken.None));

        Assert.Null(await store.Users.FindByIdAsync("id-1", CancellationToken.None));
        Assert.Null(await store.Users.FindByUsernameAsync(UsernameNormalizer.Normalize("Alice"), CancellationToken.None));
        Assert.True(await store.Users.TryCreateAsync(User("id-2", "alice"), CancellationToken.None));
        Assert.False(await store.Users.DeleteAsync("id-1", CancellationToken.None));
    }

    [Fact]
    public async Task Keys_AddLoadRetireDelete()
    {
        await using var store = await CreateStoreAsync();
        var key = new SigningKeyMaterial("kid-1", SigningAlgorithm.ES256, KeyPurpose.Access, Now, Now.AddMinutes(1), null, [1, 2, 3, 255]);
        var refresh = new SigningKeyMaterial("kid-2", SigningAlgorithm.HS256, KeyPurpose.Refresh, Now, Now, null, [9, 9]);

        Assert.True(await store.Keys.TryAddKeyAsync(key, CancellationToken.None));
        Assert.True(await store.Keys.TryAddKeyAsync(refresh, CancellationToken.None));
        Assert.False(await store.Keys.TryAddKeyAsync(key with { PrivateKey = [7] }, CancellationToken.None));

        var loaded = (await store.Keys.LoadKeysAsync(CancellationToken.None)).OrderBy(k => k.Kid, StringComparer.Ordinal).ToArray();
        Assert.Equal(2, loaded.Length);
        Assert.Equal(key.Kid, loaded[0].Kid);
        Assert.Equal(key.Algorithm, loaded[0].Algorithm);
        Assert.Equal(key.Purpose, loaded[0].Purpose);
        Assert.Equal(key.CreatedAt, loaded[0].CreatedAt);
        Assert.Equal(key.ActivatesAt, loaded[0].ActivatesAt);
        Assert.Null(loaded[0].RetiresAt);
        Assert.Equal(key.PrivateKey, loaded[0].PrivateKey);
        Assert.Equal(KeyPurpose.Refresh, loaded[1].Purpose);

        Assert.True(await store.Keys.RetireKeyAsync("kid-1", Now.AddHours(1), CancellationToken.None));
        Assert.True(await store.Keys.RetireKeyAsync("kid-1", Now.AddHours(5), CancellationToken.None));
        Assert.False(await store.Keys.RetireKeyAsync("kid-unknown", Now, CancellationToken.None));
        var retired = (await store.Keys.LoadKeysAsync(CancellationToken.None)).Single(k => k.Kid == "kid-1");
        Assert.Equal(Now.AddHours(1), retired.RetiresAt); // the first retirement time stands

        Assert.Equal(0, await store.Keys.DeleteRetiredKeysAsync(Now.AddHours(1), CancellationToken.None));
        Assert.Equal(1, await store.Keys.DeleteRetiredKeysAsync(Now.AddHours(2), CancellationToken.None));
        Assert.Equal("kid-2", Assert.Single(await store.Keys.LoadKeysAsync(CancellationToken.None)).Kid);
    }

    [Fact]
    public async Task Migrate_TwiceAndConcurrently_IsHarmless()
    {
        await using var store = await CreateStoreAsync();
        await using var other = await store.OpenAnotherAsync();
        Assert.True(await store.Users.TryCreateAsync(User("u1", "alice"), CancellationToken.None));

        await Task.WhenAll(
            Task.Run(() => store.Migrator.MigrateAsync(CancellationToken.None)),
            Task.Run(() => other.Migrator.MigrateAsync(CancellationToken.None)),
            Task.Run(() => store.Migrator.MigrateAsync(CancellationToken.None)));

        Assert.Equal("alice", (await other.Users.FindByIdAsync("u1", CancellationToken.None))?.Username);
    }

    private static UserAccount User(string id, string username) =>
        new(id, username, UsernameNormalizer.Normalize(username), "hash", ["member"], "stamp", 0, null, Now);

    private sealed class UserComparer : IEqualityComparer<UserAccount?>
    {
        public static readonly UserComparer Instance = new();

        public bool Equals(UserAccount? x, UserAccount? y) =>
            x is not null && y is not null && x with { Roles = [] } == y with { Roles = [] } && x.Roles.SequenceEqual(y.Roles);

        public int GetHashCode(UserAccount? obj) => obj?.Id.GetHashCode(StringComparison.Ordinal) ?? 0;
    }
}
