using Baton.Core.Users;

namespace Baton.Grains.Tests;

/// <summary>The account grains (DESIGN.md §1, "Other grains"; SECURITY.md's username and lockout rules), with callers on every silo.</summary>
[Collection(GrainClusterTests.Name)]
public sealed class AccountGrainTests(GrainClusterFixture fixture) : GrainTestBase(fixture)
{
    private static DateTimeOffset Now => GrainClusterFixture.Clock.GetUtcNow();

    [Fact]
    public async Task Register_TwentyRacesForOneUsername_OneWinsAndOnlyItsIdIsIndexed()
    {
        var username = Unique("race");
        var accounts = Enumerable.Range(0, 20).Select(_ => NewAccount(username)).ToArray();

        var results = await Task.WhenAll(accounts.Select((a, i) => Account(a.NormalizedUsername, i).RegisterAsync(a)));

        var winner = accounts[Array.FindIndex(results, r => r.Status == RegistrationStatus.Created)];
        Assert.Single(results, r => r.Status == RegistrationStatus.Created);
        Assert.All(results.Where(r => r.Status != RegistrationStatus.Created), r => Assert.Equal(RegistrationStatus.UsernameTaken, r.Status));
        Assert.Equal(winner.Id, (await Account(winner.NormalizedUsername).GetAsync()).Account?.Id);
        foreach (var account in accounts)
        {
            Assert.Equal(account == winner ? winner.NormalizedUsername : null, await Index(account.Id).GetUsernameAsync());
        }
    }

    [Fact]
    public async Task Register_LookAlikesRace_OneWinsTheOthersSeeItsName()
    {
        var suffix = Unique("");
        // Latin, then a Cyrillic "а", then a Cyrillic "е": three names, one skeleton.
        var accounts = new[] { "alice", "\u0430lice", "alic\u0435" }.Select(n => NewAccount(n + suffix)).ToArray();
        Assert.Single(accounts.Select(a => UsernameNormalizer.Skeleton(a.Username)).Distinct());
        Assert.Equal(3, accounts.Select(a => a.NormalizedUsername).Distinct().Count());

        var results = await Task.WhenAll(accounts.Select((a, i) => Account(a.NormalizedUsername, i).RegisterAsync(a)));

        var winner = accounts[Array.FindIndex(results, r => r.Status == RegistrationStatus.Created)];
        Assert.Single(results, r => r.Status == RegistrationStatus.Created);
        Assert.All(results.Where(r => r.Status != RegistrationStatus.Created), r => Assert.Equal(new RegistrationResult(RegistrationStatus.LooksLikeAnother, winner.NormalizedUsername), r));
        foreach (var loser in accounts.Where(a => a != winner))
        {
            Assert.Null((await Account(loser.NormalizedUsername).GetAsync()).Account);
        }
    }

    [Fact]
    public async Task RecordFailure_ConcurrentFailuresOnEverySilo_CountsEachAndLocksOnceAtTheLimit()
    {
        var account = NewAccount(Unique("guessed"));
        await Account(account.NormalizedUsername).RegisterAsync(account);

        var four = await Task.WhenAll(Enumerable.Range(0, 4).Select(i => Account(account.NormalizedUsername, i).RecordFailureAsync()));
        Assert.All(four, Assert.Null);
        Assert.Equal(4, (await Account(account.NormalizedUsername).GetAsync()).Account!.FailedLoginCount);

        var more = await Task.WhenAll(Enumerable.Range(0, 3).Select(i => Account(account.NormalizedUsername, i).RecordFailureAsync()));

        // The fifth failure locks and restarts the count; the two after it count toward the next lockout.
        Assert.All(more, lockedUntil => Assert.Equal(Now + GrainClusterFixture.Lockout.LockoutDuration, lockedUntil));
        var stored = (await Account(account.NormalizedUsername).GetAsync()).Account!;
        Assert.Equal((2, Now + GrainClusterFixture.Lockout.LockoutDuration), (stored.FailedLoginCount, stored.LockedUntil));
    }

    [Fact]
    public async Task RecordFailure_UnknownUsername_LocksLikeAnAccount_AndWritesNothing()
    {
        var normalized = UsernameNormalizer.Normalize(Unique("nobody"));
        var writes = Store.Writes.Count;

        var answers = new List<DateTimeOffset?>();
        for (var i = 0; i < 5; i++)
        {
            answers.Add(await Account(normalized, i).RecordFailureAsync());
        }

        Assert.Equal([null, null, null, null, Now + GrainClusterFixture.Lockout.LockoutDuration], answers);
        Assert.Equal(new AccountLookup(null, Now + GrainClusterFixture.Lockout.LockoutDuration), await Account(normalized).GetAsync());
        Assert.DoesNotContain(Store.Writes.Skip(writes), w => w.Key.Contains(normalized, StringComparison.Ordinal));
    }

    [Fact]
    public async Task RecordSuccess_ClearsTheCount_AndStoresTheRehash()
    {
        var account = NewAccount(Unique("rehash"));
        var grain = Account(account.NormalizedUsername);
        await grain.RegisterAsync(account);
        await grain.RecordFailureAsync();

        await grain.RecordSuccessAsync("rehashed");

        var stored = (await grain.GetAsync()).Account!;
        Assert.Equal((0, "rehashed"), (stored.FailedLoginCount, stored.PasswordHash));
    }

    [Fact]
    public async Task Delete_FreesTheUsernameTheLookAlikeAndTheId()
    {
        var suffix = Unique("");
        var alice = NewAccount("alice" + suffix);
        var lookAlike = NewAccount("\u0430lice" + suffix);
        Assert.Equal(RegistrationStatus.Created, (await Account(alice.NormalizedUsername).RegisterAsync(alice)).Status);
        Assert.False(await Account(alice.NormalizedUsername).DeleteAsync("another-id"));

        Assert.True(await Account(alice.NormalizedUsername, 1).DeleteAsync(alice.Id));

        Assert.Null(await Index(alice.Id).GetUsernameAsync());
        Assert.Null((await Account(alice.NormalizedUsername).GetAsync()).Account);
        Assert.Equal(RegistrationStatus.Created, (await Account(lookAlike.NormalizedUsername, 2).RegisterAsync(lookAlike)).Status);
    }

    [Fact]
    public async Task Register_AfterACrashLeftAReservationWithoutAnAccount_ItsOwnerRegisters_AndALookAlikeFreesIt()
    {
        var suffix = Unique("");
        var crashed = NewAccount("alice" + suffix);
        var lookAlike = NewAccount("\u0430lice" + suffix);
        var skeleton = UsernameNormalizer.Skeleton(crashed.Username);

        // What a registration leaves when it dies between its claim and its account write.
        Assert.Null(await Skeleton(skeleton).ClaimAsync(crashed.NormalizedUsername));

        var refused = await Account(lookAlike.NormalizedUsername).RegisterAsync(lookAlike);
        Assert.Equal(new RegistrationResult(RegistrationStatus.LooksLikeAnother, crashed.NormalizedUsername), refused);
        Assert.True(await Account(crashed.NormalizedUsername, 1).ReleaseUnusedSkeletonAsync(skeleton));
        Assert.Equal(RegistrationStatus.Created, (await Account(lookAlike.NormalizedUsername, 2).RegisterAsync(lookAlike)).Status);

        // The look-alike holds it now, with its account: nothing frees it, and the crashed name stays refused.
        Assert.False(await Account(lookAlike.NormalizedUsername).ReleaseUnusedSkeletonAsync(skeleton));
        Assert.Equal(lookAlike.NormalizedUsername, await Skeleton(skeleton).GetOwnerAsync());
        Assert.Equal(RegistrationStatus.LooksLikeAnother, (await Account(crashed.NormalizedUsername).RegisterAsync(crashed)).Status);
    }

    [Fact]
    public async Task Register_OwnStaleReservation_Succeeds()
    {
        var account = NewAccount(Unique("retry"));
        Assert.Null(await Skeleton(UsernameNormalizer.Skeleton(account.Username)).ClaimAsync(account.NormalizedUsername));

        Assert.Equal(RegistrationStatus.Created, (await Account(account.NormalizedUsername, 1).RegisterAsync(account)).Status);
    }

    [Fact]
    public async Task SetPassword_ChangesHashAndStamp_OnlyForTheAccountsOwnId()
    {
        var account = NewAccount(Unique("change"));
        var grain = Account(account.NormalizedUsername);
        await grain.RegisterAsync(account);

        Assert.False(await grain.SetPasswordAsync("someone-else", "h2", "s2"));
        Assert.True(await grain.SetPasswordAsync(account.Id, "h2", "s2"));

        var stored = (await grain.GetAsync()).Account!;
        Assert.Equal(("h2", "s2"), (stored.PasswordHash, stored.SecurityStamp));
    }

    private IAccountGrain Account(string normalizedUsername, int caller = 0) => Callers[caller % Callers.Count].GetGrain<IAccountGrain>(normalizedUsername);

    private IUsernameSkeletonGrain Skeleton(string skeleton) => Cluster.Client.GetGrain<IUsernameSkeletonGrain>(skeleton);

    private IAccountIdGrain Index(string userId) => Cluster.Client.GetGrain<IAccountIdGrain>(userId);

    /// <summary>A name of letters only (digits are confusables of letters), new per test.</summary>
    private static string Unique(string prefix) => prefix + new string([.. Guid.NewGuid().ToString("N").Select(c => (char)('k' + (c % 16)))]);

    private static AccountDetails NewAccount(string username) =>
        new(NewId(), username, UsernameNormalizer.Normalize(username), "hash", [], "stamp", 0, null, Now);
}
