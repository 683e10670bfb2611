using System.Collections.Immutable;
using Baton.Core;
using Baton.Core.Audit;
using Baton.Core.Storage;
using Baton.Core.Ledgers;
using Baton.Core.Tokens;
using Baton.Core.Users;

namespace Baton.Testing.Storage;

/// <summary>
/// The behaviour every store must have, written once: SQLite and PostgreSQL run these same tests
/// (DESIGN.md §1: load, compare-and-swap save, audit in the same transaction; users; keys; migrations).
/// Each test gets a fresh, migrated, empty database.
/// </summary>
public abstract class StoreContractTests
{
    protected static readonly DateTimeOffset Now = new(2026, 3, 4, 5, 6, 7, TimeSpan.Zero);
    private static readonly SessionPolicy Policy = new() { MaxSessionsPerUser = 5 };
    private static readonly AuditContext Audit = new(new ClientInfo("203.0.113.7", "Firefox/140"), "node-a", Now);

    /// <summary>A fresh, migrated, empty store.</summary>
    protected abstract Task<StoreUnderTest> CreateStoreAsync();

    [StoreFact]
    public async Task Load_UnknownUser_IsEmptyAtVersionZero()
    {
        await using var store = await CreateStoreAsync();

        var ledger = await store.Ledgers.LoadAsync("nobody", CancellationToken.None);

        Assert.Equal(0, ledger.Version);
        Assert.Empty(ledger.Sessions);
        Assert.Equal("nobody", ledger.UserId);
    }

    [StoreFact]
    public async Task TrySave_InsertAtZero_ThenLoad_RoundTripsEveryField()
    {
        await using var store = await CreateStoreAsync();
        var write = Write(Ledger.Empty("u1"), "s1");

        Assert.True(await store.Ledgers.TrySaveAsync(write, CancellationToken.None));
        var loaded = await store.Ledgers.LoadAsync("u1", CancellationToken.None);

        Assert.Equal(1, loaded.Version);
        Assert.Equal(LedgerSerializer.Serialize(write.Ledger), LedgerSerializer.Serialize(loaded));
        var session = Assert.Single(loaded.Sessions);
        Assert.Equal("s1", session.Id);
        Assert.Equal<string>(["member"], session.Roles);
        Assert.Equal(new ClientInfo("203.0.113.7", "Firefox/140"), session.Client);
    }

    [StoreFact]
    public async Task TrySave_SecondInsertAtZero_IsRefused_AndChangesNothing()
    {
        await using var store = await CreateStoreAsync();
        Assert.True(await store.Ledgers.TrySaveAsync(Write(Ledger.Empty("u1"), "s1"), CancellationToken.None));

        var saved = await store.Ledgers.TrySaveAsync(Write(Ledger.Empty("u1"), "s2"), CancellationToken.None);

        Assert.False(saved);
        var loaded = await store.Ledgers.LoadAsync("u1", CancellationToken.None);
        Assert.Equal("s1", Assert.Single(loaded.Sessions).Id);
    }

    [StoreFact]
    public async Task TrySave_AtCurrentVersion_Succeeds_AtStaleVersion_WritesNothing()
    {
        await using var store = await CreateStoreAsync();
        Assert.True(await store.Ledgers.TrySaveAsync(Write(Ledger.Empty("u1"), "s1"), CancellationToken.None));
        var v1 = await store.Ledgers.LoadAsync("u1", CancellationToken.None);
        Assert.True(await store.Ledgers.TrySaveAsync(Write(v1, "s2"), CancellationToken.None));
        var eventsBefore = await store.Audit.ReadAsync("u1", 100, CancellationToken.None);

        var stale = await store.Ledgers.TrySaveAsync(Write(v1, "s3"), CancellationToken.None);

        Assert.False(stale);
        var loaded = await store.Ledgers.LoadAsync("u1", CancellationToken.None);
        Assert.Equal(2, loaded.Version);
        Assert.Null(loaded.Find("s3"));
        Assert.Equal(eventsBefore.Count, (await store.Audit.ReadAsync("u1", 100, CancellationToken.None)).Count);
    }

    [StoreFact]
    public async Task TrySave_ConcurrentWritersFromTwoInstances_ExactlyOneWins()
    {
        await using var a = await CreateStoreAsync();
        await using var b = await a.OpenAnotherAsync();
        Assert.True(await a.Ledgers.TrySaveAsync(Write(Ledger.Empty("u1"), "s0"), CancellationToken.None));
        var v1 = await a.Ledgers.LoadAsync("u1", CancellationToken.None);

        var attempts = Enumerable.Range(0, 20).Select(i => Task.Run(() =>
            (i % 2 == 0 ? a : b).Ledgers.TrySaveAsync(Write(v1, $"s{i + 1}"), CancellationToken.None)));
        var results = await Task.WhenAll(attempts);

        Assert.Equal(1, results.Count(saved => saved));
        var loaded = await b.Ledgers.LoadAsync("u1", CancellationToken.None);
        Assert.Equal(2, loaded.Version);
        Assert.Equal(2, loaded.Sessions.Length);
    }

    [StoreFact]
    public async Task WriteExclusive_DecidesOnTheStoredLedger_AndCommitsItsWriteWithAudit()
    {
        await using var a = await CreateStoreAsync();
        await using var b = await a.OpenAnotherAsync();
        Assert.True(await a.Ledgers.TrySaveAsync(Write(Ledger.Empty("u1"), "s1"), CancellationToken.None));
        Assert.True(await b.Ledgers.TrySaveAsync(Write(await b.Ledgers.LoadAsync("u1", CancellationToken.None), "s2"), CancellationToken.None));
        Ledger? seen = null;

        var decided = await a.Ledgers.WriteExclusiveAsync("u1", ledger =>
        {
            seen = ledger;
            var ended = new EndSession("s1", EndReason.Kicked).Apply(ledger, Now, Policy);
            return WriteOf(ledger, ended.Ledger, ended.Events);
        }, CancellationToken.None);

        Assert.True(decided);
        Assert.Equal(2, seen!.Version); // the other instance's write, not a cached copy
        var stored = await b.Ledgers.LoadAsync("u1", CancellationToken.None);
        Assert.Equal(3, stored.Version);
        Assert.Equal(EndReason.Kicked, stored.Find("s1")!.EndReason);
        Assert.Equal(LedgerEventKind.SessionEnded, (await b.Audit.ReadAsync("u1", 1, CancellationToken.None))[0].Kind);
        Assert.Equal("s1", Assert.Single(await b.Revocations.ReadRevocationsAsync(0, 10, CancellationToken.None)).SessionId);
    }

    [StoreFact]
    public async Task WriteExclusive_OnAnUnknownUser_SeesVersionZeroAndInserts()
    {
        await using var store = await CreateStoreAsync();

        var decided = await store.Ledgers.WriteExclusiveAsync("u1", ledger => Write(ledger, "s1"), CancellationToken.None);

        Assert.True(decided);
        var stored = await store.Ledgers.LoadAsync("u1", CancellationToken.None);
        Assert.Equal(1, stored.Version);
        Assert.Equal("s1", Assert.Single(stored.Sessions).Id);
    }

    [StoreFact]
    public async Task WriteExclusive_NothingToWrite_WritesNothing()
    {
        await using var store = await CreateStoreAsync();
        Assert.True(await store.Ledgers.TrySaveAsync(Write(Ledger.Empty("u1"), "s1"), CancellationToken.None));

        var decided = await store.Ledgers.WriteExclusiveAsync("u1", _ => null, CancellationToken.None);

        Assert.True(decided);
        Assert.Equal(1, (await store.Ledgers.LoadAsync("u1", CancellationToken.None)).Version);
        Assert.Single(await store.Audit.ReadAsync("u1", 10, CancellationToken.None));
    }

    [StoreFact]
    public async Task WriteExclusive_DecideThrows_WritesNothingAndTheStoreStaysUsable()
    {
        await using var store = await CreateStoreAsync();
        await using var other = await store.OpenAnotherAsync();
        Assert.True(await store.Ledgers.TrySaveAsync(Write(Ledger.Empty("u1"), "s1"), CancellationToken.None));

        await Assert.ThrowsAsync<InvalidOperationException>(() =>
            store.Ledgers.WriteExclusiveAsync("u1", _ => throw new InvalidOperationException("decide failed"), CancellationToken.None));

        // The held ledger was let go: another instance's write (which a lock left behind would
        // block until it timed out) and another exclusive write go through.
        var v1 = await other.Ledgers.LoadAsync("u1", CancellationToken.None);
        Assert.True(await other.Ledgers.TrySaveAsync(Write(v1, "s2"), CancellationToken.None));
        Assert.True(await store.Ledgers.WriteExclusiveAsync("u1", ledger => Write(ledger, "s3"), CancellationToken.None));
        Assert.Equal(3, (await other.Ledgers.LoadAsync("u1", CancellationToken.None)).Version);
    }

    [StoreFact]
    public async Task TrySave_CommitsAuditEvents_WithClientAndNode_ReadNewestFirst()
    {
        await using var store = await CreateStoreAsync();
        Assert.True(await store.Ledgers.TrySaveAsync(Write(Ledger.Empty("u1"), "s1"), CancellationToken.None));
        var v1 = await store.Ledgers.LoadAsync("u1", CancellationToken.None);
        var ended = new EndSession("s1", EndReason.Kicked).Apply(v1, Now, Policy);
        Assert.True(await store.Ledgers.TrySaveAsync(WriteOf(v1, ended.Ledger, ended.Events), CancellationToken.None));

        var events = await store.Audit.ReadAsync("u1", 10, CancellationToken.None);

        Assert.Equal(2, events.Count);
        Assert.Equal(LedgerEventKind.SessionEnded, events[0].Kind);
        Assert.Equal(EndReason.Kicked, events[0].Reason);
        Assert.Equal(LedgerEventKind.SessionStarted, events[1].Kind);
        Assert.Null(events[1].Reason);
        Assert.All(events, e =>
        {
            Assert.Equal("u1", e.UserId);
            Assert.Equal("s1", e.SessionId);
            Assert.Equal("203.0.113.7", e.IpAddress);
            Assert.Equal("Firefox/140", e.UserAgent);
            Assert.Equal("node-a", e.Node);
            Assert.Equal(Now, e.At);
        });
        Assert.Single(await store.Audit.ReadAsync("u1", 1, CancellationToken.None));
        Assert.Empty(await store.Audit.ReadAsync("someone-else", 10, CancellationToken.None));
    }

    [StoreFact]
    public async Task EndingSessions_AppendsToTheRevocationFeed_InOrder()
    {
        await using var store = await CreateStoreAsync();
        Assert.Equal(0, await store.Revocations.LatestRevocationAsync(CancellationToken.None));
        Assert.Equal(0, await store.Revocations.RevocationCursorAtAsync(Now, CancellationToken.None));
        Assert.True(await store.Ledgers.TrySaveAsync(Write(Ledger.Empty("u1"), "s1"), CancellationToken.None));
        var v1 = await store.Ledgers.LoadAsync("u1", CancellationToken.None);
        Assert.True(await store.Ledgers.TrySaveAsync(Write(v1, "s2"), CancellationToken.None));
        var v2 = await store.Ledgers.LoadAsync("u1", CancellationToken.None);
        var kicked = new EndAllSessions(EndReason.Kicked).Apply(v2, Now, Policy);
        Assert.Empty(await store.Revocations.ReadRevocationsAsync(0, 10, CancellationToken.None));
        var stale = new EndSession("s1", EndReason.Logout).Apply(v1, Now, Policy);

        Assert.False(await store.Ledgers.TrySaveAsync(WriteOf(v1, stale.Ledger, stale.Events), CancellationToken.None));
        Assert.True(await store.Ledgers.TrySaveAsync(WriteOf(v2, kicked.Ledger, kicked.Events), CancellationToken.None));

        var feed = await store.Revocations.ReadRevocationsAsync(0, 10, CancellationToken.None);
        Assert.Equal(2, feed.Count);
        Assert.All(feed, r => Assert.Equal(("u1", EndReason.Kicked, Now), (r.UserId, r.Reason, r.At)));
        Assert.Equal(["s1", "s2"], feed.Select(r => r.SessionId).Order(StringComparer.Ordinal));
        Assert.True(feed[0].Cursor < feed[1].Cursor);
        Assert.Equal(feed[1].Cursor, await store.Revocations.LatestRevocationAsync(CancellationToken.None));
        Assert.Equal(feed[1], Assert.Single(await store.Revocations.ReadRevocationsAsync(feed[0].Cursor, 10, CancellationToken.None)));
        Assert.Single(await store.Revocations.ReadRevocationsAsync(0, 1, CancellationToken.None));
        Assert.Equal(feed[0].Cursor - 1, await store.Revocations.RevocationCursorAtAsync(Now, CancellationToken.None));
        Assert.Equal(feed[1].Cursor, await store.Revocations.RevocationCursorAtAsync(Now.AddHours(1), CancellationToken.None));
    }

    [StoreFact]
    public async Task RevocationFeed_ConcurrentEndsFromTwoInstances_GetDistinctIncreasingCursors()
    {
        await using var a = await CreateStoreAsync();
        await using var b = await a.OpenAnotherAsync();
        var users = Enumerable.Range(0, 20).Select(i => $"user-{i}").ToArray();
        foreach (var user in users)
        {
            Assert.True(await a.Ledgers.TrySaveAsync(Write(Ledger.Empty(user), "s1"), CancellationToken.None));
        }

        await Task.WhenAll(users.Select((user, i) => Task.Run(async () =>
        {
            var store = i % 2 == 0 ? a : b;
            var ledger = await store.Ledgers.LoadAsync(user, CancellationToken.None);
            var ended = new EndSession("s1", EndReason.Revoked).Apply(ledger, Now, Policy);
            Assert.True(await store.Ledgers.TrySaveAsync(WriteOf(ledger, ended.Ledger, ended.Events), CancellationToken.None));
        })));

        var feed = await b.Revocations.ReadRevocationsAsync(0, 100, CancellationToken.None);
        Assert.Equal(users.Order(StringComparer.Ordinal), feed.Select(r => r.UserId).Order(StringComparer.Ordinal));
        Assert.Equal(feed.Select(r => r.Cursor).Order(), feed.Select(r => r.Cursor));
        Assert.Equal(feed.Count, feed.Select(r => r.Cursor).Distinct().Count());
    }

    [StoreFact]
    public async Task PurgeAuditEvents_DeletesOnlyEventsBeforeTheCutoff_OldestFirst_ABatchAtATime()
    {
        await using var store = await CreateStoreAsync();
        // One login a day for five days, then two today.
        var days = new[] { -10, -9, -8, -7, -6, 0, 0 };
        for (var i = 0; i < days.Length; i++)
        {
            Assert.True(await store.Ledgers.TrySaveAsync(Write(Ledger.Empty($"u{i}"), "s1", Now.AddDays(days[i])), CancellationToken.None));
        }

        var cutoff = Now.AddDays(-7).AddHours(1);
        var batches = new List<int>();
        var next = 0L;
        PurgeBatch batch;
        do
        {
            batch = await store.Audit.PurgeAuditEventsAsync(cutoff, next, 3, CancellationToken.None);
            Assert.True(batch.Deleted == 0 || batch.Next > next, "A batch that deleted rows must move on.");
            batches.Add(batch.Deleted);
            next = batch.Next;
        }
        while (batch.Deleted > 0);

        // The first three rows are all old; the next three hold the last old one; the rest is newer.
        Assert.Equal([3, 1, 0], batches);
        for (var i = 0; i < days.Length; i++)
        {
            var left = await store.Audit.ReadAsync($"u{i}", 10, CancellationToken.None);
            Assert.Equal(days[i] > -7 ? 1 : 0, left.Count);
        }
    }

    [StoreFact]
    public async Task PurgeRevocations_KeepsTheNewestEntry_SoCursorsNeverGoBack()
    {
        await using var store = await CreateStoreAsync();
        for (var i = 0; i < 3; i++)
        {
            var user = $"u{i}";
            Assert.True(await store.Ledgers.TrySaveAsync(Write(Ledger.Empty(user), "s1"), CancellationToken.None));
            var ledger = await store.Ledgers.LoadAsync(user, CancellationToken.None);
            var ended = new EndSession("s1", EndReason.Revoked).Apply(ledger, Now, Policy);
            Assert.True(await store.Ledgers.TrySaveAsync(WriteOf(ledger, ended.Ledger, ended.Events), CancellationToken.None));
        }

        var latest = await store.Revocations.LatestRevocationAsync(CancellationToken.None);
        Assert.Equal(0, (await store.Revocations.PurgeRevocationsAsync(Now, 0, 100, CancellationToken.None)).Deleted); // nothing is from before Now

        Assert.Equal(new PurgeBatch(2, latest), await store.Revocations.PurgeRevocationsAsync(Now.AddDays(1), 0, 100, CancellationToken.None));

        var left = Assert.Single(await store.Revocations.ReadRevocationsAsync(0, 10, CancellationToken.None));
        Assert.Equal(latest, left.Cursor);
        Assert.Equal(latest, await store.Revocations.LatestRevocationAsync(CancellationToken.None));
        Assert.Equal(0, (await store.Revocations.PurgeRevocationsAsync(Now.AddDays(1), 0, 100, CancellationToken.None)).Deleted);
        Assert.Equal(new PurgeBatch(0, latest), await store.Revocations.PurgeRevocationsAsync(Now.AddDays(1), latest, 100, CancellationToken.None));
        // The next entry continues above the purged ones.
        Assert.True(await store.Ledgers.TrySaveAsync(Write(await store.Ledgers.LoadAsync("u0", CancellationToken.None), "s2"), CancellationToken.None));
        var relogged = await store.Ledgers.LoadAsync("u0", CancellationToken.None);
        var kicked = new EndSession("s2", EndReason.Kicked).Apply(relogged, Now, Policy);
        Assert.True(await store.Ledgers.TrySaveAsync(WriteOf(relogged, kicked.Ledger, kicked.Events), CancellationToken.None));
        Assert.True(await store.Revocations.LatestRevocationAsync(CancellationToken.None) > latest);
    }

    [StoreFact]
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

    [StoreFact]
    public async Task Users_DuplicateNormalizedUsername_IsRefused()
    {
        await using var store = await CreateStoreAsync();
        Assert.True(await store.Users.TryCreateAsync(User("id-1", "Alice"), CancellationToken.None));

        Assert.False(await store.Users.TryCreateAsync(User("id-2", "alice"), CancellationToken.None));
        Assert.Null(await store.Users.FindByIdAsync("id-2", CancellationToken.None));
    }

    [StoreFact]
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

    [StoreFact]
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

    [StoreFact]
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

    [StoreFact]
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

    [StoreFact]
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

    [StoreFact]
    public async Task ClosedLedger_RoundTripsThroughTheStore_AndNeverExpires()
    {
        await using var store = await CreateStoreAsync();
        Assert.True(await store.Ledgers.TrySaveAsync(Write(Ledger.Empty("u1"), "s1"), CancellationToken.None));
        var v1 = await store.Ledgers.LoadAsync("u1", CancellationToken.None);
        var locked = new CloseLedger(EndReason.AccountLocked).Apply(v1, Now, Policy);

        Assert.True(await store.Ledgers.TrySaveAsync(WriteOf(v1, locked.Ledger, locked.Events), CancellationToken.None));

        var stored = await store.Ledgers.LoadAsync("u1", CancellationToken.None);
        Assert.Equal(EndReason.AccountLocked, stored.ClosedFor);
        Assert.Equal(EndReason.AccountLocked, stored.Find("s1")!.EndReason);
        Assert.Equal(DateTimeOffset.MaxValue, stored.ExpiresAt(Policy));
        var audit = await store.Audit.ReadAsync("u1", 10, CancellationToken.None);
        Assert.Equal((LedgerEventKind.AccountClosed, "", EndReason.AccountLocked), (audit[0].Kind, audit[0].SessionId, audit[0].Reason));
        Assert.Equal("s1", Assert.Single(await store.Revocations.ReadRevocationsAsync(0, 10, CancellationToken.None)).SessionId);
    }

    [StoreFact]
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

    [StoreFact]
    public async Task Migrate_TwiceAndConcurrently_IsHarmless()
    {
        await using var store = await CreateStoreAsync();
        await using var other = await store.OpenAnotherAsync();
        Assert.True(await store.Ledgers.TrySaveAsync(Write(Ledger.Empty("u1"), "s1"), CancellationToken.None));

        await Task.WhenAll(
            Task.Run(() => store.Migrator.MigrateAsync(CancellationToken.None)),
            Task.Run(() => other.Migrator.MigrateAsync(CancellationToken.None)),
            Task.Run(() => store.Migrator.MigrateAsync(CancellationToken.None)));

        Assert.Equal(1, (await other.Ledgers.LoadAsync("u1", CancellationToken.None)).Version);
    }

    /// <summary>A write that logs in session <paramref name="sessionId"/> on top of <paramref name="ledger"/>, at <paramref name="at"/> (default <see cref="Now"/>).</summary>
    protected static LedgerWrite Write(Ledger ledger, string sessionId, DateTimeOffset? at = null)
    {
        var when = at ?? Now;
        var change = new StartSession(sessionId, new Device("dev-" + sessionId, "web", "Browser"), sessionId + "-rt1", Audit.Client) { Roles = ["member"] }
            .Apply(ledger, when, Policy);
        return WriteOf(ledger, change.Ledger, change.Events, when);
    }

    protected static LedgerWrite WriteOf(Ledger before, Ledger after, ImmutableArray<LedgerEvent> events, DateTimeOffset? at = null) =>
        LedgerWrite.Of(before, after, events, Audit with { At = at ?? Now }, Policy);

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
