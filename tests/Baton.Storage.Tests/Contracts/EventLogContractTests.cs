using Baton.Core;
using Baton.Core.Audit;
using Baton.Core.Ledgers;
using Baton.Testing.Storage;

namespace Baton.Storage.Tests.Contracts;

/// <summary>
/// What the grains' event log must do on every backend (DESIGN.md §1.4, invariant I9): keep the
/// order of appends, drop repeats by id, send ended sessions (and only those) to the revocation
/// feed, and let followers start from a cursor or a time and retention trim the old entries.
/// </summary>
public abstract class EventLogContractTests
{
    protected static readonly DateTimeOffset Now = new(2026, 3, 4, 5, 6, 7, TimeSpan.Zero);

    /// <summary>The backend's log on an empty store of its own.</summary>
    protected abstract Task<EventLogUnderTest> CreateLogAsync();

    [BackendFact]
    public async Task Append_SeveralEvents_KeepsTheirOrder()
    {
        await using var log = await CreateLogAsync();

        await log.Log.AppendAsync([Started("e1", "s1"), Rotated("e2", "s1", 2), Ended("e3", "s1", EndReason.Logout)], CancellationToken.None);
        await log.Log.AppendAsync([Started("e4", "s2"), Ended("e5", "s2", EndReason.Kicked)], CancellationToken.None);

        var audit = await log.Audit.ReadAsync("alice", 10, CancellationToken.None);
        Assert.Equal(
            [(LedgerEventKind.SessionEnded, "s2"), (LedgerEventKind.SessionStarted, "s2"), (LedgerEventKind.SessionEnded, "s1"), (LedgerEventKind.TokenRotated, "s1"), (LedgerEventKind.SessionStarted, "s1")],
            audit.Select(e => (e.Kind, e.SessionId)));
        var feed = await log.Revocations.ReadRevocationsAsync(0, 10, CancellationToken.None);
        Assert.Equal(["s1", "s2"], feed.Select(r => r.SessionId));
        Assert.True(feed[0].Cursor < feed[1].Cursor);
    }

    [BackendFact]
    public async Task Append_EveryField_ReachesTheReaders()
    {
        await using var log = await CreateLogAsync();
        var ended = Ended("e1", "s1", EndReason.ReuseDetected);

        await log.Log.AppendAsync([ended], CancellationToken.None);

        Assert.Equal(ended.Entry, Assert.Single(await log.Audit.ReadAsync("alice", 10, CancellationToken.None)));
        var revocation = Assert.Single(await log.Revocations.ReadRevocationsAsync(0, 10, CancellationToken.None));
        Assert.Equal(("alice", "s1", EndReason.ReuseDetected, Now), (revocation.UserId, revocation.SessionId, revocation.Reason, revocation.At));
    }

    [BackendFact]
    public async Task Append_RepeatedIds_AreSkipped()
    {
        await using var log = await CreateLogAsync();
        LoggedEvent[] outbox = [Started("e1", "s1"), Ended("e2", "s1", EndReason.Logout)];

        await log.Log.AppendAsync(outbox, CancellationToken.None);
        await log.Log.AppendAsync(outbox, CancellationToken.None); // the grain crashed before dropping its outbox
        await log.Log.AppendAsync([Ended("e2", "s1", EndReason.Logout), Started("e3", "s2"), Started("e3", "s2")], CancellationToken.None);

        Assert.Equal(["s2", "s1", "s1"], (await log.Audit.ReadAsync("alice", 10, CancellationToken.None)).Select(e => e.SessionId));
        Assert.Single(await log.Revocations.ReadRevocationsAsync(0, 10, CancellationToken.None));
    }

    [BackendFact]
    public async Task Append_OnlyEndedSessionsWithAReason_ReachTheRevocationFeed()
    {
        await using var log = await CreateLogAsync();

        await log.Log.AppendAsync(
            [
                Started("e1", "s1"),
                Rotated("e2", "s1", 2),
                Event("e3", LedgerEventKind.ReuseDetected, "s1", null),
                Event("e4", LedgerEventKind.SessionEnded, "s1", EndReason.ReuseDetected),
                Event("e5", LedgerEventKind.AccountClosed, "s1", EndReason.AccountDeleted),
                Event("e6", LedgerEventKind.SessionEnded, "s2", null),
            ],
            CancellationToken.None);

        var revocation = Assert.Single(await log.Revocations.ReadRevocationsAsync(0, 10, CancellationToken.None));
        Assert.Equal(("s1", EndReason.ReuseDetected), (revocation.SessionId, revocation.Reason));
        Assert.Equal(6, (await log.Audit.ReadAsync("alice", 10, CancellationToken.None)).Count);
    }

    [BackendFact]
    public async Task Follow_FromACursor_ReadsOnlyWhatCameAfter()
    {
        await using var log = await CreateLogAsync();
        await log.Log.AppendAsync([Ended("e1", "s1", EndReason.Logout), Ended("e2", "s2", EndReason.Kicked)], CancellationToken.None);
        var cursor = await log.Revocations.LatestRevocationAsync(CancellationToken.None);

        await log.Log.AppendAsync([Ended("e3", "s3", EndReason.Replaced)], CancellationToken.None);

        var after = await log.Revocations.ReadRevocationsAsync(cursor, 10, CancellationToken.None);
        Assert.Equal("s3", Assert.Single(after).SessionId);
        Assert.Equal(after[0].Cursor, await log.Revocations.LatestRevocationAsync(CancellationToken.None));
        Assert.Equal(["s1"], (await log.Revocations.ReadRevocationsAsync(0, 1, CancellationToken.None)).Select(r => r.SessionId));
    }

    [BackendFact]
    public async Task Follow_FromATime_StartsAtTheFirstEntryAtOrAfterIt()
    {
        await using var log = await CreateLogAsync();
        await log.Log.AppendAsync([Ended("e1", "s1", EndReason.Logout, Now.AddMinutes(-20)), Ended("e2", "s2", EndReason.Kicked, Now.AddMinutes(-5))], CancellationToken.None);
        await log.Log.AppendAsync([Ended("e3", "s3", EndReason.Replaced, Now)], CancellationToken.None);

        var start = await log.Revocations.RevocationCursorAtAsync(Now.AddMinutes(-10), CancellationToken.None);

        Assert.Equal(["s2", "s3"], (await log.Revocations.ReadRevocationsAsync(start, 10, CancellationToken.None)).Select(r => r.SessionId));
        var late = await log.Revocations.RevocationCursorAtAsync(Now.AddMinutes(1), CancellationToken.None);
        Assert.Empty(await log.Revocations.ReadRevocationsAsync(late, 10, CancellationToken.None));
    }

    [BackendFact]
    public async Task Purge_OldEntries_AreDeleted_AndTheNewestRevocationStays()
    {
        await using var log = await CreateLogAsync();
        await log.Log.AppendAsync(
            [Ended("e1", "s1", EndReason.Logout, Now.AddDays(-100)), Ended("e2", "s2", EndReason.Kicked, Now.AddDays(-99)), Started("e3", "s3", Now)],
            CancellationToken.None);
        var latest = await log.Revocations.LatestRevocationAsync(CancellationToken.None);

        var revocations = await PurgeAllAsync((after, ct) => log.Revocations.PurgeRevocationsAsync(Now.AddDays(-1), after, 1, ct));
        var audit = await PurgeAllAsync((after, ct) => log.Audit.PurgeAuditEventsAsync(Now.AddDays(-90), after, 1, ct));

        Assert.Equal(1, revocations); // the newest is kept: it carries the feed's cursor
        Assert.Equal(latest, await log.Revocations.LatestRevocationAsync(CancellationToken.None));
        Assert.Equal("s2", Assert.Single(await log.Revocations.ReadRevocationsAsync(0, 10, CancellationToken.None)).SessionId);
        Assert.Equal(2, audit);
        Assert.Equal("s3", Assert.Single(await log.Audit.ReadAsync("alice", 10, CancellationToken.None)).SessionId);
    }

    [BackendFact]
    public async Task Append_Nothing_WritesNothing()
    {
        await using var log = await CreateLogAsync();

        await log.Log.AppendAsync([], CancellationToken.None);

        Assert.Empty(await log.Audit.ReadAsync("alice", 10, CancellationToken.None));
        Assert.Equal(0, await log.Revocations.LatestRevocationAsync(CancellationToken.None));
    }

    private static async Task<int> PurgeAllAsync(Func<long, CancellationToken, Task<PurgeBatch>> batch)
    {
        var deleted = 0;
        var after = 0L;
        while (true)
        {
            var next = await batch(after, CancellationToken.None);
            if (next.Next == after)
            {
                return deleted;
            }

            deleted += next.Deleted;
            after = next.Next;
        }
    }

    protected static LoggedEvent Started(string id, string sessionId, DateTimeOffset? at = null) =>
        Event(id, LedgerEventKind.SessionStarted, sessionId, null, 1, at);

    protected static LoggedEvent Rotated(string id, string sessionId, int generation) =>
        Event(id, LedgerEventKind.TokenRotated, sessionId, null, generation);

    protected static LoggedEvent Ended(string id, string sessionId, EndReason reason, DateTimeOffset? at = null) =>
        Event(id, LedgerEventKind.SessionEnded, sessionId, reason, 1, at);

    protected static LoggedEvent Event(string id, LedgerEventKind kind, string sessionId, EndReason? reason, int generation = 1, DateTimeOffset? at = null) =>
        new(id, "usersession/alice", SequenceOf(id), new AuditEntry("alice", kind, sessionId, generation, reason, "203.0.113.7", "Firefox/140", "node-a", at ?? Now));

    /// <summary>Test ids are <c>e</c> and a number, in the order a grain would deliver them: the number is the sequence.</summary>
    protected static long SequenceOf(string id) => long.Parse(id.AsSpan(1), System.Globalization.CultureInfo.InvariantCulture);
}
