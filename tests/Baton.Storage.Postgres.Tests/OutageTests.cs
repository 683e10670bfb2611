using Baton.Core.Engine;
using Baton.Core.Ledgers;
using Baton.Testing;
using Baton.Testing.Postgres;

namespace Baton.Storage.Postgres.Tests;

/// <summary>SECURITY.md 32 and 35 at the store level, on a server of its own that the test stops and starts.</summary>
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
}
