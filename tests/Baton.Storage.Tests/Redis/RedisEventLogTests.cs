using Baton.Core;
using Baton.Core.Audit;
using Baton.Core.Ledgers;
using Baton.Core.Storage;
using Baton.Storage.Redis;
using Baton.Testing;
using Baton.Testing.Redis;
using StackExchange.Redis;

namespace Baton.Storage.Tests.Redis;

/// <summary>What is particular to the event log on Redis: racing deliveries, stream ids as cursors, the wake-up notice, and outages.</summary>
public sealed class RedisEventLogTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Now = new(2026, 3, 4, 5, 6, 7, TimeSpan.Zero);
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    private readonly string _prefix = RedisTestConnection.UniquePrefix("log");
    private readonly List<IAsyncDisposable> _disposables = [];
    private bool _usedSharedServer;

    [RedisFact]
    public async Task Append_SameEventsFromManyNodesAtOnce_AreAppendedOnce()
    {
        var (first, second) = (await LogAsync(), await LogAsync(await ConnectAsync()));
        LoggedEvent[] outbox = [Event("e1", LedgerEventKind.SessionStarted, "s1"), Event("e2", LedgerEventKind.SessionEnded, "s1", EndReason.Kicked)];

        await Task.WhenAll(Enumerable.Range(0, 40).Select(i => Task.Run(() => (i % 2 == 0 ? first : second).AppendAsync(outbox, CancellationToken.None))));

        Assert.Equal(["s1", "s1"], (await first.ReadAsync("alice", 10, CancellationToken.None)).Select(e => e.SessionId));
        Assert.Equal(
            [(LedgerEventKind.SessionEnded, "s1"), (LedgerEventKind.SessionStarted, "s1")],
            (await second.ReadAsync("alice", 10, CancellationToken.None)).Select(e => (e.Kind, e.SessionId)));
        Assert.Single(await first.ReadRevocationsAsync(0, 10, CancellationToken.None));
    }

    [RedisFact]
    public async Task Append_Revocations_GetCursorsOfTheirStreamIds_InAppendOrder()
    {
        var log = await LogAsync();

        await log.AppendAsync([Ended("e1", "s1", Now), Ended("e2", "s2", Now), Ended("e3", "s3", Now.AddMilliseconds(5))], CancellationToken.None);

        var feed = await log.ReadRevocationsAsync(0, 10, CancellationToken.None);
        var ms = Now.ToUnixTimeMilliseconds();
        Assert.Equal([$"{ms}-0", $"{ms}-1", $"{ms + 5}-0"], feed.Select(r => RedisStreamCursor.ToStreamId(r.Cursor)));
        Assert.Equal(
            (await (await StreamsAsync()).StreamRangeAsync($"{{{_prefix}}}:revocations")).Select(e => (string)e.Id!),
            feed.Select(r => RedisStreamCursor.ToStreamId(r.Cursor)));
        Assert.Equal(["s2", "s3"], (await log.ReadRevocationsAsync(feed[0].Cursor, 10, CancellationToken.None)).Select(r => r.SessionId));
    }

    [RedisFact]
    public async Task Append_EventOlderThanTheNewestEntry_GetsACursorAfterIt_WithItsOwnTime()
    {
        var log = await LogAsync();
        await log.AppendAsync([Ended("e1", "s1", Now)], CancellationToken.None);
        var seen = await log.LatestRevocationAsync(CancellationToken.None);

        // A node whose clock is behind delivers late: a follower at the newest cursor must still get it.
        await log.AppendAsync([Ended("e2", "s2", Now.AddMinutes(-3))], CancellationToken.None);

        var late = Assert.Single(await log.ReadRevocationsAsync(seen, 10, CancellationToken.None));
        Assert.Equal(("s2", Now.AddMinutes(-3)), (late.SessionId, late.At));
        Assert.True(late.Cursor > seen);
    }

    [RedisFact]
    public async Task Append_SequenceLimitReachedInOneMillisecond_MovesToTheNextMillisecond()
    {
        var log = await LogAsync();
        var ms = Now.ToUnixTimeMilliseconds();
        await (await StreamsAsync()).StreamAddAsync($"{{{_prefix}}}:revocations", [new("event", "seed"), new("user", "alice"), new("session", "s0"), new("reason", "Logout"), new("at", ms)], $"{ms}-1048575");

        await log.AppendAsync([Ended("e1", "s1", Now)], CancellationToken.None);

        var next = (await log.ReadRevocationsAsync(0, 10, CancellationToken.None))[^1];
        Assert.Equal($"{ms + 1}-0", RedisStreamCursor.ToStreamId(next.Cursor));
        Assert.Equal("s1", next.SessionId);
    }

    [RedisFact]
    public async Task WaitForRevocations_AnotherNodeAppends_Wakes()
    {
        var waiter = await LogAsync();
        var writer = await LogAsync(await ConnectAsync()); // its append reaches the waiter only through Redis
        var after = await waiter.LatestRevocationAsync(CancellationToken.None);

        var wait = waiter.WaitForRevocationsAsync(after, 2 * Patience, CancellationToken.None); // longer than the test waits: only the notice ends it in time
        await writer.AppendAsync([Event("e1", LedgerEventKind.SessionStarted, "s1")], CancellationToken.None);
        await writer.AppendAsync([Ended("e2", "s1", Now)], CancellationToken.None);

        Assert.True(await wait.WaitAsync(Patience));
        Assert.Equal("s1", Assert.Single(await waiter.ReadRevocationsAsync(after, 10, CancellationToken.None)).SessionId);
    }

    [RedisFact]
    public async Task WaitForRevocations_EntryAlreadyAfterTheCursor_ReturnsTrueAtOnce_AndNothingNewIsFalse()
    {
        var log = await LogAsync();
        await log.AppendAsync([Ended("e1", "s1", Now)], CancellationToken.None);
        var latest = await log.LatestRevocationAsync(CancellationToken.None);

        Assert.True(await log.WaitForRevocationsAsync(0, Patience, CancellationToken.None).WaitAsync(Patience));
        Assert.False(await log.WaitForRevocationsAsync(latest, TimeSpan.FromMilliseconds(100), CancellationToken.None).WaitAsync(Patience));
    }

    [RedisFact]
    public async Task Append_RedisStopped_IsStoreUnavailableWithoutHanging_AndWorksWhenItIsBack()
    {
        var server = await RedisServer.StartOwnAsync("outage", AppendFsync.Always);
        _disposables.Add(server);
        var connection = await server.ConnectAsync();
        _disposables.Add(connection);
        var log = await LogAsync(connection);
        LoggedEvent[] acknowledged = [Ended("e1", "s1", Now)];
        await log.AppendAsync(acknowledged, CancellationToken.None);

        await server.StopAsync();

        await Assert.ThrowsAsync<StoreUnavailableException>(() => log.AppendAsync([Ended("e2", "s2", Now)], CancellationToken.None).WaitAsync(Patience));
        await Assert.ThrowsAsync<StoreUnavailableException>(() => log.ReadRevocationsAsync(0, 10, CancellationToken.None).WaitAsync(Patience));
        await Assert.ThrowsAsync<StoreUnavailableException>(() => log.ReadAsync("alice", 10, CancellationToken.None).WaitAsync(Patience));

        await server.StartAsync();
        await Eventually.UntilAsync(() => connection.IsConnected);
        await log.AppendAsync([.. acknowledged, Ended("e2", "s2", Now)], CancellationToken.None); // the outbox again, with what failed

        // appendfsync always kept the acknowledged entry and its id: the repeat is dropped.
        Assert.Equal(["s1", "s2"], (await log.ReadRevocationsAsync(0, 10, CancellationToken.None)).Select(r => r.SessionId));
    }

    [RedisFact]
    public async Task Append_ManyEventsOfOneUser_RemembersOneSequencePerProducer_NotAKeyPerEvent()
    {
        var log = await LogAsync();

        for (var batch = 0; batch < 10; batch++)
        {
            await log.AppendAsync([.. Enumerable.Range(1 + (batch * 50), 50).Select(i => Event($"e{i}", LedgerEventKind.TokenRotated, "s1"))], CancellationToken.None);
        }

        var server = (await RedisTestConnection.SharedAsync()).GetServers()[0];
        var keys = server.Keys(pattern: $"{{{_prefix}}}:*").Select(k => (string)k!).Order(StringComparer.Ordinal).ToArray();
        Assert.Equal([$"{{{_prefix}}}:audit-users", $"{{{_prefix}}}:audit:alice", $"{{{_prefix}}}:delivered"], keys);
        Assert.Equal(500, (long)await (await StreamsAsync()).HashGetAsync($"{{{_prefix}}}:delivered", "usersession/alice"));
    }

    [RedisFact]
    public async Task Append_RepeatOfAnEarlierEvent_AfterLaterOnes_IsSkipped()
    {
        var log = await LogAsync();
        await log.AppendAsync([Event("e1", LedgerEventKind.SessionStarted, "s1"), Event("e2", LedgerEventKind.TokenRotated, "s1"), Ended("e3", "s1", Now)], CancellationToken.None);

        // A stale activation's outbox still held e2 and e3: everything up to e3 is known.
        await log.AppendAsync([Event("e2", LedgerEventKind.TokenRotated, "s1"), Ended("e3", "s1", Now)], CancellationToken.None);
        await log.AppendAsync([Ended("e3", "s1", Now), Event("e4", LedgerEventKind.SessionStarted, "s2")], CancellationToken.None);

        Assert.Equal(["s2", "s1", "s1", "s1"], (await log.ReadAsync("alice", 10, CancellationToken.None)).Select(e => e.SessionId));
        Assert.Single(await log.ReadRevocationsAsync(0, 10, CancellationToken.None));
    }

    [RedisFact]
    public async Task Append_MoreAuditEntriesThanTheCapPerUser_KeepsTheNewestAndTrimsTheOldest()
    {
        _usedSharedServer = true;
        var log = new RedisEventLog(await RedisTestConnection.SharedAsync(), new RedisEventLogOptions { KeyPrefix = _prefix, AuditEntriesPerUser = 10 });
        _disposables.Add(log);

        for (var i = 1; i <= 300; i++)
        {
            await log.AppendAsync([Event($"e{i}", LedgerEventKind.TokenRotated, $"s{i}")], CancellationToken.None);
        }

        // MAXLEN ~ trims whole stream nodes (100 entries each by default): at most one node beyond the cap stays.
        var length = await (await StreamsAsync()).StreamLengthAsync($"{{{_prefix}}}:audit:alice");
        Assert.InRange(length, 10, 110);
        Assert.Equal("s300", (await log.ReadAsync("alice", 1, CancellationToken.None))[0].SessionId);
    }

    [RedisFact]
    public async Task Append_TwoProducersOfOneUser_EachKeepsItsOwnSequence()
    {
        var log = await LogAsync();
        await log.AppendAsync([Event("e5", LedgerEventKind.SessionStarted, "s1")], CancellationToken.None);

        // The user's identities grain numbers its own events from 1: they are not repeats of the session grain's.
        await log.AppendAsync([Event("e1", LedgerEventKind.SessionStarted, "s2") with { Producer = "useridentities/alice" }], CancellationToken.None);
        await log.AppendAsync([Event("e1", LedgerEventKind.SessionStarted, "s2") with { Producer = "useridentities/alice" }], CancellationToken.None);

        Assert.Equal(["s2", "s1"], (await log.ReadAsync("alice", 10, CancellationToken.None)).Select(e => e.SessionId));
    }

    [RedisFact]
    public async Task Append_EventWithoutSequence_IsRefused()
    {
        var log = await LogAsync();
        var unsequenced = Event("e1", LedgerEventKind.SessionStarted, "s1") with { Sequence = 0 };

        await Assert.ThrowsAsync<ArgumentException>(() => log.AppendAsync([unsequenced], CancellationToken.None));
    }

    [RedisFact]
    public async Task Append_Revocations_AreNoticedWithTheirSessionsOnAnotherNode()
    {
        var (writer, follower) = (await LogAsync(), await LogAsync(await ConnectAsync()));
        await follower.WaitForRevocationsAsync(0, TimeSpan.Zero, CancellationToken.None); // subscribes
        var noticed = new TaskCompletionSource<IReadOnlyList<Revocation>>(TaskCreationOptions.RunContinuationsAsynchronously);
        follower.RevocationsNoticed += r => noticed.TrySetResult(r);

        await writer.AppendAsync([Event("e1", LedgerEventKind.SessionStarted, "s1"), Ended("e2", "s1", Now), Ended("e3", "s2", Now)], CancellationToken.None);

        var revocations = await noticed.Task.WaitAsync(Patience);
        Assert.Equal(await follower.ReadRevocationsAsync(0, 10, CancellationToken.None), revocations);
    }

    [Fact]
    public void NoticedRevocations_ANoticeItCannotRead_CarriesNone()
    {
        Assert.Empty(RedisEventLog.NoticedRevocations("1796122441547-0"));
        Assert.Empty(RedisEventLog.NoticedRevocations("[{\"id\":\"1-0\"}]"));
        Assert.Empty(RedisEventLog.NoticedRevocations("{}"));
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        for (var i = _disposables.Count - 1; i >= 0; i--)
        {
            await _disposables[i].DisposeAsync();
        }

        if (_usedSharedServer)
        {
            await RedisTestConnection.DeleteKeysAsync(await RedisTestConnection.SharedAsync(), $"{{{_prefix}}}:*");
        }
    }

    private async Task<RedisEventLog> LogAsync(IConnectionMultiplexer? connection = null)
    {
        _usedSharedServer |= connection is null;
        var log = new RedisEventLog(connection ?? await RedisTestConnection.SharedAsync(), new RedisEventLogOptions { KeyPrefix = _prefix });
        _disposables.Add(log);
        return log;
    }

    private async Task<ConnectionMultiplexer> ConnectAsync()
    {
        var connection = await (await RedisServer.SharedAsync()).ConnectAsync();
        _disposables.Insert(0, connection); // disposed after the logs on it
        return connection;
    }

    private static async Task<IDatabase> StreamsAsync() => (await RedisTestConnection.SharedAsync()).GetDatabase();

    private static LoggedEvent Ended(string id, string sessionId, DateTimeOffset at) =>
        new(id, "usersession/alice", SequenceOf(id), new AuditEntry("alice", LedgerEventKind.SessionEnded, sessionId, 1, EndReason.Logout, null, null, "node-a", at));

    private static LoggedEvent Event(string id, LedgerEventKind kind, string sessionId, EndReason? reason = null) =>
        new(id, "usersession/alice", SequenceOf(id), new AuditEntry("alice", kind, sessionId, 1, reason, "203.0.113.7", "Firefox/140", "node-a", Now));

    private static long SequenceOf(string id) => long.Parse(id.AsSpan(1), System.Globalization.CultureInfo.InvariantCulture);
}
