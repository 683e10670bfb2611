using System.Globalization;
using Baton.Core.Audit;
using Baton.Core.Ledgers;
using Baton.Core.Storage;
using Baton.Storage.Redis;
using Baton.Testing;
using Baton.Testing.Redis;
using StackExchange.Redis;

namespace Baton.Storage.Tests.Redis;

/// <summary>
/// The Redis event log's group commit: appends that queue while a script call is in flight share
/// the next call. Where a call must stay in flight, the test's own server is paused for writes
/// (<c>CLIENT PAUSE WRITE</c> holds every script call) from a connection of its own.
/// </summary>
public sealed class RedisEventLogGroupCommitTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Now = new(2026, 3, 4, 5, 6, 7, TimeSpan.Zero);
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    private readonly string _prefix = RedisTestConnection.UniquePrefix("batch");
    private readonly List<IAsyncDisposable> _disposables = [];

    [RedisFact]
    public async Task Append_ManyProducersAtOnce_AppendsEveryEventOnceInOrder_InFewerCallsThanAppends()
    {
        var (_, connection) = await OwnServerAsync();
        var log = Log(connection);
        const int Producers = 50, AppendsEach = 10;
        var before = await ScriptCallsAsync(connection);

        // Each producer appends its events one after another, as a grain delivers its outbox; the producers run at once.
        await Task.WhenAll(Enumerable.Range(0, Producers).Select(p => Task.Run(async () =>
        {
            for (var sequence = 1; sequence <= AppendsEach; sequence++)
            {
                await log.AppendAsync([Rotated($"user{p}", sequence)], CancellationToken.None);
            }
        }))).WaitAsync(Patience);

        var calls = await ScriptCallsAsync(connection) - before;
        Assert.InRange(calls, 1, (Producers * AppendsEach) - 1);
        for (var p = 0; p < Producers; p++)
        {
            var entries = await log.ReadAsync($"user{p}", 2 * AppendsEach, CancellationToken.None);
            Assert.Equal(Enumerable.Range(1, AppendsEach).Select(s => $"s{s}"), entries.Reverse().Select(e => e.SessionId));
        }
    }

    [RedisFact]
    public async Task Append_RedisLostWithAppendsQueued_IsStoreUnavailableForEveryCaller_AndTheNextAppendAfterItIsBackSucceeds()
    {
        var (server, connection) = await OwnServerAsync();
        var log = Log(connection);
        await log.AppendAsync([Rotated("alice", 1)], CancellationToken.None);
        await PauseWritesAsync(server);

        // The first call is held by the pause, the others queue behind it for one batch; then Redis crashes.
        var appends = Enumerable.Range(0, 20).Select(i => log.AppendAsync([Rotated($"user{i}", 1)], CancellationToken.None)).ToArray();
        await server.KillAsync();

        foreach (var append in appends)
        {
            await Assert.ThrowsAsync<StoreUnavailableException>(() => append.WaitAsync(Patience));
        }

        await server.StartAsync();
        await Eventually.UntilAsync(() => connection.IsConnected);
        await log.AppendAsync([Rotated("bob", 1)], CancellationToken.None).WaitAsync(Patience);
        Assert.Equal(["s1"], (await log.ReadAsync("bob", 10, CancellationToken.None)).Select(e => e.SessionId));
    }

    [RedisFact]
    public async Task Append_CallerCancelsItsWait_EndsThatWaitOnly()
    {
        var (server, connection) = await OwnServerAsync();
        var log = Log(connection);
        await PauseWritesAsync(server);
        using var cancel = new CancellationTokenSource();
        var held = log.AppendAsync([Rotated("alice", 1)], CancellationToken.None);
        var cancelled = log.AppendAsync([Rotated("bob", 1)], cancel.Token);
        var queued = log.AppendAsync([Rotated("carol", 1)], CancellationToken.None);

        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled.WaitAsync(Patience));
        Assert.False(held.IsCompleted || queued.IsCompleted, "The others waited for their calls, which the pause still holds.");
        await UnpauseAsync(server);
        await Task.WhenAll(held, queued).WaitAsync(Patience);
        Assert.Single(await log.ReadAsync("alice", 10, CancellationToken.None));
        Assert.Single(await log.ReadAsync("carol", 10, CancellationToken.None));
    }

    [RedisFact]
    public async Task Append_EventWithoutSequenceAmongConcurrentAppends_IsRefusedAlone()
    {
        var (server, connection) = await OwnServerAsync();
        var log = Log(connection);
        await PauseWritesAsync(server);
        var held = log.AppendAsync([Rotated("alice", 1)], CancellationToken.None);
        var queued = log.AppendAsync([Rotated("bob", 1)], CancellationToken.None);

        await Assert.ThrowsAsync<ArgumentException>(() => log.AppendAsync([Rotated("carol", 1), Rotated("carol", 2) with { Sequence = 0 }], CancellationToken.None));

        await UnpauseAsync(server);
        await Task.WhenAll(held, queued).WaitAsync(Patience);
        Assert.Single(await log.ReadAsync("alice", 10, CancellationToken.None));
        Assert.Single(await log.ReadAsync("bob", 10, CancellationToken.None));
        Assert.Empty(await log.ReadAsync("carol", 10, CancellationToken.None));
    }

    [RedisFact]
    public async Task DisposeAsync_WithAppendsInFlightAndQueued_FailsThemWithoutHanging()
    {
        var (server, connection) = await OwnServerAsync();
        var log = new RedisEventLog(connection, new RedisEventLogOptions { KeyPrefix = _prefix });
        await PauseWritesAsync(server);
        var appends = Enumerable.Range(0, 10).Select(i => log.AppendAsync([Rotated($"user{i}", 1)], CancellationToken.None)).ToArray();

        await log.DisposeAsync().AsTask().WaitAsync(Patience);

        foreach (var append in appends)
        {
            await Assert.ThrowsAsync<ObjectDisposedException>(() => append.WaitAsync(Patience));
        }

        await Assert.ThrowsAsync<ObjectDisposedException>(() => log.AppendAsync([Rotated("alice", 1)], CancellationToken.None));
        await UnpauseAsync(server); // else closing the connection waits for the held call
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        for (var i = _disposables.Count - 1; i >= 0; i--)
        {
            await _disposables[i].DisposeAsync();
        }
    }

    /// <summary>
    /// A throwaway server of the test's own (a pause or a crash must not reach other tests, and its
    /// command counts are this test's), with a client that waits past a pause instead of timing out
    /// and fails at once while the server is down.
    /// </summary>
    private async Task<(RedisServer Server, ConnectionMultiplexer Connection)> OwnServerAsync()
    {
        var server = await RedisServer.StartOwnAsync("batch");
        _disposables.Add(server);
        var connection = await server.ConnectAsync(o =>
        {
            o.AsyncTimeout = 30_000;
            o.AllowAdmin = true; // INFO commandstats
            o.BacklogPolicy = BacklogPolicy.FailFast; // as the nodes' connection: fail at once while Redis is down
        });
        _disposables.Add(connection);
        return (server, connection);
    }

    private RedisEventLog Log(IConnectionMultiplexer connection)
    {
        var log = new RedisEventLog(connection, new RedisEventLogOptions { KeyPrefix = _prefix });
        _disposables.Add(log);
        return log;
    }

    private async Task PauseWritesAsync(RedisServer server)
    {
        var pauser = await server.ConnectAsync();
        _disposables.Add(pauser);
        await pauser.GetDatabase().ExecuteAsync("CLIENT", "PAUSE", "30000", "WRITE");
    }

    private static async Task UnpauseAsync(RedisServer server)
    {
        await using var unpauser = await server.ConnectAsync();
        await unpauser.GetDatabase().ExecuteAsync("CLIENT", "UNPAUSE");
    }

    /// <summary>The script calls (EVAL and EVALSHA) the server has run, from <c>INFO commandstats</c>.</summary>
    private static async Task<long> ScriptCallsAsync(ConnectionMultiplexer connection)
    {
        var stats = (await connection.GetServers()[0].InfoAsync("commandstats")).SelectMany(g => g).ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);
        return CallsOf(stats, "cmdstat_eval") + CallsOf(stats, "cmdstat_evalsha");
    }

    private static long CallsOf(Dictionary<string, string> stats, string command) =>
        stats.TryGetValue(command, out var stat)
            ? long.Parse(stat.Split(',')[0]["calls=".Length..], CultureInfo.InvariantCulture)
            : 0;

    private static LoggedEvent Rotated(string userId, long sequence) =>
        new($"{userId}-e{sequence}", $"usersession/{userId}", sequence, new AuditEntry(userId, LedgerEventKind.TokenRotated, $"s{sequence}", 1, null, null, null, "node-a", Now));
}
