using Baton.Core.Engine;
using Baton.Core.Ledgers;
using Baton.Testing;
using Baton.Testing.Postgres;
using Npgsql;

namespace Baton.Storage.Postgres.Tests;

/// <summary>The LISTEN/NOTIFY feed: notices reach other nodes' caches; a lost connection suspends the cache until it is back.</summary>
public sealed class ChangeFeedTests
{
    [PostgresFact]
    public async Task Notice_FromAnotherNodesWrite_InvalidatesTheCachedLedger()
    {
        var connection = await (await PostgresServer.SharedAsync()).CreateDatabaseAsync();
        await using var nodeA = new PostgresStore(new PostgresStoreOptions { ConnectionString = connection });
        await using var nodeB = new PostgresStore(new PostgresStoreOptions { ConnectionString = connection });
        await nodeA.MigrateAsync(CancellationToken.None);
        var cacheB = new LedgerCache(100);
        await using var feedB = new PostgresChangeFeed(new PostgresStoreOptions { ConnectionString = connection }, cacheB);
        feedB.Start();
        await Eventually.UntilAsync(() => feedB.IsConnected);

        Assert.True(await nodeA.TrySaveAsync(Writes.Login(Ledger.Empty("u1"), "s1"), CancellationToken.None));
        var v1 = await nodeB.LoadAsync("u1", CancellationToken.None);
        var ticket = cacheB.BeginLoad("u1");
        cacheB.CompleteLoad(ticket, v1);
        Assert.True(cacheB.TryGet("u1", out _));
        await Eventually.UntilAsync(() => feedB.Notices >= 1); // the insert's own notice may arrive after the cache fill
        cacheB.CompleteLoad(cacheB.BeginLoad("u1"), v1);
        var before = feedB.Notices;

        Assert.True(await nodeA.TrySaveAsync(Writes.Login(v1, "s2"), CancellationToken.None));

        await Eventually.UntilAsync(() => feedB.Notices > before);
        Assert.False(cacheB.TryGet("u1", out _));
    }

    [PostgresFact]
    public async Task ConnectionKilled_SuspendsTheCache_ThenReconnectsAndResumes()
    {
        var connection = await (await PostgresServer.SharedAsync()).CreateDatabaseAsync();
        var cache = new LedgerCache(100);
        await using var feed = new PostgresChangeFeed(new PostgresStoreOptions { ConnectionString = connection }, cache);
        feed.Start();
        await Eventually.UntilAsync(() => feed.IsConnected);
        Assert.False(cache.IsSuspended);

        await using (var admin = new NpgsqlConnection(connection))
        {
            await admin.OpenAsync();
            await using var kill = new NpgsqlCommand("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'baton-feed' AND datname = current_database()", admin);
            await kill.ExecuteNonQueryAsync();
        }

        await Eventually.UntilAsync(() => feed.Reconnects >= 1);
        await Eventually.UntilAsync(() => feed.IsConnected && !cache.IsSuspended);
        Assert.Equal(1, feed.Reconnects);
    }

    [PostgresFact]
    public async Task Start_BeforeTheServerAnswers_KeepsTheCacheSuspended()
    {
        var cache = new LedgerCache(100);
        var unreachable = $"Host=127.0.0.1;Port=1;Username=postgres;Database=postgres;Timeout=1";
        await using var feed = new PostgresChangeFeed(new PostgresStoreOptions { ConnectionString = unreachable, FeedMaxBackoff = TimeSpan.FromMilliseconds(200) }, cache);

        feed.Start();
        await Eventually.UntilAsync(() => feed.LastError is not null);

        Assert.False(feed.IsConnected);
        Assert.True(cache.IsSuspended);
    }
}
