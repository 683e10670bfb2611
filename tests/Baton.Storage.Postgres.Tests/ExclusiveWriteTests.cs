using Baton.Core;
using Baton.Core.Engine;
using Baton.Core.Ledgers;
using Baton.Testing;
using Baton.Testing.Postgres;

namespace Baton.Storage.Postgres.Tests;

/// <summary>
/// The engine's fallback write on PostgreSQL: while it decides, the user's row is locked, so other
/// nodes' writes of that user wait in the database and then lose their compare-and-swap; and it
/// takes its locks in the order session-ending writes take theirs, so the two never deadlock.
/// </summary>
public sealed class ExclusiveWriteTests
{
    [PostgresFact]
    public async Task WhileDeciding_OtherNodesWritesWait_ThenLoseToIt()
    {
        var connection = await (await PostgresServer.SharedAsync()).CreateDatabaseAsync();
        await using var a = await TestDatabase.OpenStoreAsync(connection);
        await using var b = await TestDatabase.OpenStoreAsync(connection);
        Assert.True(await a.TrySaveAsync(Writes.Login(Ledger.Empty("u1"), "s1"), CancellationToken.None));
        var v1 = await b.LoadAsync("u1", CancellationToken.None);
        var deciding = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var decide = new SemaphoreSlim(0);

        var exclusive = Task.Run(() => a.WriteExclusiveAsync("u1", ledger =>
        {
            deciding.SetResult();
            Assert.True(decide.Wait(TimeSpan.FromSeconds(30)), "The test never let the decision finish.");
            return Writes.Login(ledger, "held");
        }, CancellationToken.None));
        await deciding.Task;
        // From another node, on the version before: a plain write (row lock only) and a kick (the
        // revocation feed's lock, then the row's).
        var login = Task.Run(() => b.TrySaveAsync(Writes.Login(v1, "racer"), CancellationToken.None));
        var kick = Task.Run(() => b.TrySaveAsync(Writes.EndAll(v1, EndReason.Kicked), CancellationToken.None));
        await Eventually.UntilAsync(async () => await WaitingOnLocksAsync(connection) == 2);
        Assert.False(login.IsCompleted);
        Assert.False(kick.IsCompleted);

        decide.Release();

        Assert.True(await exclusive);
        Assert.False(await login);
        Assert.False(await kick);
        var stored = await b.LoadAsync("u1", CancellationToken.None);
        Assert.Equal(2, stored.Version);
        Assert.Equal(["s1", "held"], stored.ActiveSessions.Select(s => s.Id));
    }

    [PostgresFact]
    public async Task WhileDeciding_OtherUsersSessionEndingWrites_DoNotWait()
    {
        var connection = await (await PostgresServer.SharedAsync()).CreateDatabaseAsync();
        await using var a = await TestDatabase.OpenStoreAsync(connection);
        await using var b = await TestDatabase.OpenStoreAsync(connection);
        Assert.True(await a.TrySaveAsync(Writes.Login(Ledger.Empty("held"), "s1"), CancellationToken.None));
        Assert.True(await b.TrySaveAsync(Writes.Login(Ledger.Empty("other"), "s1"), CancellationToken.None));
        var deciding = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var decide = new SemaphoreSlim(0);

        // The held user's decision will end a session, so its write takes the revocation feed's lock too.
        var exclusive = Task.Run(() => a.WriteExclusiveAsync("held", ledger =>
        {
            deciding.SetResult();
            Assert.True(decide.Wait(TimeSpan.FromSeconds(30)), "The test never let the decision finish.");
            return Writes.EndAll(ledger, EndReason.Kicked);
        }, CancellationToken.None));
        await deciding.Task;

        // The feed's lock is shared by every user's session-ending writes: it must not be held
        // while one node decides, or a slow node would stall kicks and logouts cluster-wide.
        var other = await b.LoadAsync("other", CancellationToken.None);
        Assert.True(await b.TrySaveAsync(Writes.EndAll(other, EndReason.Kicked), CancellationToken.None));
        Assert.False(exclusive.IsCompleted);

        decide.Release();
        Assert.True(await exclusive);
        var feed = await b.ReadRevocationsAsync(0, 10, CancellationToken.None);
        Assert.Equal(["other", "held"], feed.Select(r => r.UserId));
    }

    [PostgresFact]
    public async Task NodeStallsWhileDeciding_TheServerEndsItsSession_TheRowIsFreeAndTheWriteIsUnavailable()
    {
        var connection = await (await PostgresServer.SharedAsync()).CreateDatabaseAsync();
        await using var stalling = new PostgresStore(new PostgresStoreOptions { ConnectionString = connection, CommandTimeout = TimeSpan.FromSeconds(1) });
        await stalling.MigrateAsync(CancellationToken.None);
        await using var other = await TestDatabase.OpenStoreAsync(connection);
        Assert.True(await stalling.TrySaveAsync(Writes.Login(Ledger.Empty("u1"), "s1"), CancellationToken.None));
        var v1 = await other.LoadAsync("u1", CancellationToken.None);

        // The decision takes longer than the store's command timeout (a GC pause, a starved thread
        // pool): the server's idle-in-transaction timeout ends the session and frees the row.
        var stalled = stalling.WriteExclusiveAsync("u1", ledger =>
        {
            using var stall = new ManualResetEventSlim();
            stall.Wait(TimeSpan.FromSeconds(3));
            return Writes.Login(ledger, "late");
        }, CancellationToken.None);

        Assert.True(await other.TrySaveAsync(Writes.Login(v1, "other"), CancellationToken.None));
        await Assert.ThrowsAsync<StoreUnavailableException>(() => stalled);
        var stored = await other.LoadAsync("u1", CancellationToken.None);
        Assert.Equal(2, stored.Version);
        Assert.Null(stored.Find("late"));
    }

    [PostgresFact]
    public async Task OnANewUser_AnotherNodesInsertFirst_ReturnsFalseAndWritesNothing()
    {
        var connection = await (await PostgresServer.SharedAsync()).CreateDatabaseAsync();
        await using var a = await TestDatabase.OpenStoreAsync(connection);
        await using var b = await TestDatabase.OpenStoreAsync(connection);

        // There is no row to lock yet, so another node can create the ledger while this one decides.
        var decided = await a.WriteExclusiveAsync("u1", ledger =>
        {
            Assert.True(b.TrySaveAsync(Writes.Login(Ledger.Empty("u1"), "first"), CancellationToken.None).GetAwaiter().GetResult());
            return Writes.Login(ledger, "second");
        }, CancellationToken.None);

        Assert.False(decided);
        var stored = await a.LoadAsync("u1", CancellationToken.None);
        Assert.Equal("first", Assert.Single(stored.Sessions).Id);
        Assert.Equal(1, await TestDatabase.ScalarAsync<long>(connection, "SELECT count(*) FROM audit_events"));
    }

    /// <summary>Backends of this database blocked on a lock (row or advisory) held by another transaction.</summary>
    private static Task<long> WaitingOnLocksAsync(string connection) =>
        TestDatabase.ScalarAsync<long>(connection, "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'");
}
