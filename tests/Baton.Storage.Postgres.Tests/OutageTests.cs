using Baton.Core.Engine;
using Baton.Core.Ledgers;
using Baton.Testing;
using Baton.Testing.Postgres;

namespace Baton.Storage.Postgres.Tests;

/// <summary>SECURITY.md 32, 35 and 36 at the store level: a server the test stops and starts, and an exhausted pool.</summary>
public sealed class OutageTests
{
    [PostgresFact]
    public async Task ServerStopped_OperationsAreStoreUnavailable_AfterRestart_EverythingWorksAndNothingIsLost()
    {
        await using var server = await PostgresServer.StartAsync("outage");
        var connection = await server.CreateDatabaseAsync();
        await using var store = new PostgresStore(new PostgresStoreOptions { ConnectionString = connection, CommandTimeout = TimeSpan.FromSeconds(2) });
        await store.MigrateAsync(CancellationToken.None);
        var cache = new LedgerCache(100);
        await using var feed = new PostgresChangeFeed(new PostgresStoreOptions { ConnectionString = connection, FeedMaxBackoff = TimeSpan.FromMilliseconds(300) }, cache);
        feed.Start();
        await Eventually.UntilAsync(() => feed.IsConnected);
        Assert.True(await store.TrySaveAsync(Writes.Login(Ledger.Empty("u1"), "s1"), CancellationToken.None));

        await server.StopAsync();

        await Assert.ThrowsAsync<StoreUnavailableException>(() => store.LoadAsync("u1", CancellationToken.None));
        await Assert.ThrowsAsync<StoreUnavailableException>(() => store.TrySaveAsync(Writes.Login(Ledger.Empty("u2"), "s1"), CancellationToken.None));
        await Eventually.UntilAsync(() => !feed.IsConnected && cache.IsSuspended);

        await server.StartAsync();

        var ledger = await store.LoadAsync("u1", CancellationToken.None);
        Assert.Equal(1, ledger.Version);
        Assert.True(await store.TrySaveAsync(Writes.Login(ledger, "s2"), CancellationToken.None));
        await Eventually.UntilAsync(() => feed.IsConnected && !cache.IsSuspended);
    }

    [PostgresFact]
    public async Task PoolExhausted_OperationsFailFastAsUnavailable_AndWorkOnceAConnectionIsFree()
    {
        var connection = await (await PostgresServer.SharedAsync()).CreateDatabaseAsync();
        await using var store = new PostgresStore(new PostgresStoreOptions
        {
            ConnectionString = connection + ";Maximum Pool Size=1",
            ConnectTimeout = TimeSpan.FromSeconds(1),
        });
        await store.MigrateAsync(CancellationToken.None);
        Assert.True(await store.TrySaveAsync(Writes.Login(Ledger.Empty("u1"), "s1"), CancellationToken.None));
        var holding = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var release = new SemaphoreSlim(0);

        // The pool's only connection is held by an exclusive write that waits for the test.
        var holder = Task.Run(() => store.WriteExclusiveAsync("u1", _ =>
        {
            holding.SetResult();
            Assert.True(release.Wait(TimeSpan.FromSeconds(60)), "The test never released the connection.");
            return null;
        }, CancellationToken.None));
        await holding.Task;

        // Waiting for a connection is bounded by ConnectTimeout (1 s), not by the holder (up to 60 s)
        // or by Npgsql's default (15 s): the operation gives up while the connection is still held.
        await Assert.ThrowsAsync<StoreUnavailableException>(() => store.LoadAsync("u1", CancellationToken.None));
        await Assert.ThrowsAsync<StoreUnavailableException>(() => store.TrySaveAsync(Writes.Login(Ledger.Empty("u2"), "s1"), CancellationToken.None));
        Assert.False(holder.IsCompleted);

        release.Release();
        Assert.True(await holder);
        Assert.Equal(1, (await store.LoadAsync("u1", CancellationToken.None)).Version);
    }
}
