using Baton.Core;
using Baton.Core.Ledgers;
using Orleans.Storage;
using Orleans.TestingHost;

namespace Baton.Grains.Tests;

/// <summary>DESIGN.md I6, I8 and I9 on the grain: silo loss, a second writer, and an event log outage.</summary>
[Collection(GrainClusterTests.Name)]
public sealed class UserSessionGrainFaultTests(GrainClusterFixture fixture) : GrainTestBase(fixture)
{
    [Fact]
    public async Task Refresh_AfterTheHostingSiloStops_StateKeptOnAnotherSilo()
    {
        // Find a user whose grain lives on a secondary silo: stopping the primary hangs a TestCluster.
        string userId;
        SessionDetails session;
        SiloHandle host;
        var attempts = 0;
        do
        {
            Assert.True(++attempts < 50, "No grain was placed off the primary silo.");
            userId = NewUserId("failover");
            session = (await Grain(userId).StartSessionAsync(Login("d1"))).Session!;
            host = HostOf(userId);
        }
        while (host == Cluster.Primary);
        session = (await Grain(userId).RefreshAsync(Refresh(session.Id, session.CurrentJti))).Session!;

        await Cluster.StopSiloAsync(host);
        try
        {
            var refreshed = await GrainCalls.RetryOnceOnStaleActivationAsync(() => Grain(userId).RefreshAsync(Refresh(session.Id, session.CurrentJti)));

            Assert.Equal((RefreshStatus.Rotated, 3), (refreshed.Status, refreshed.Session!.Generation));
            Assert.NotEqual(host, HostOf(userId));
            Assert.Equal(3, Stored(userId)!.Ledger!.Find(session.Id)!.Generation);
        }
        finally
        {
            await Cluster.StartAdditionalSiloAsync();
        }
    }

    [Fact]
    public async Task Refresh_StoredStateChangedBehindTheActivation_WriteRefusedAndRetryDecidedOnStoredLedger()
    {
        var userId = NewUserId("stale");
        var session = (await Grain(userId).StartSessionAsync(Login("d1"))).Session!;
        // A second writer (another activation during a partition) ends the session in storage.
        Store.Tamper(TestGrainStore.KeyOfUser(userId), state =>
        {
            var ledger = state.Ledger!;
            var ended = ledger.Sessions.Select(s => s.Id == session.Id ? s.End(EndReason.Kicked, s.CreatedAt) : s);
            return new UserSessionState(ledger with { Version = ledger.Version + 1, Sessions = [.. ended] }, state.Outbox);
        });

        var calls = 0;
        var result = await GrainCalls.RetryOnceOnStaleActivationAsync(() =>
        {
            calls++;
            return Grain(userId, calls).RefreshAsync(Refresh(session.Id, session.CurrentJti));
        });

        Assert.Equal(2, calls);
        Assert.Equal((ErrorCode.SessionEnded, EndReason.Kicked), (result.Error, result.EndReason));
        var stored = Stored(userId)!.Ledger!;
        Assert.Equal((2L, 1), (stored.Version, stored.Find(session.Id)!.Generation));
    }

    [Fact]
    public async Task Refresh_StoredStateChangedBehindTheActivation_StaleActivationThrowsAndDeactivates()
    {
        var userId = NewUserId("stale-direct");
        var session = (await Grain(userId).StartSessionAsync(Login("d1"))).Session!;
        Store.Tamper(TestGrainStore.KeyOfUser(userId), state => new UserSessionState(state.Ledger! with { Version = state.Ledger.Version + 1 }, state.Outbox));

        await Assert.ThrowsAsync<InconsistentStateException>(() => Grain(userId).RefreshAsync(Refresh(session.Id, session.CurrentJti)));
        // The next call meets a fresh activation that read the stored ETag: it rotates and writes.
        var next = await Grain(userId).RefreshAsync(Refresh(session.Id, session.CurrentJti));

        Assert.Equal((RefreshStatus.Rotated, 2), (next.Status, next.Session!.Generation));
        Assert.Equal(3L, Stored(userId)!.Ledger!.Version);
    }

    [Fact]
    public async Task EndAllSessions_EventLogFailsOnce_EntriesArriveWithTheNextCallOnceEach()
    {
        var userId = NewUserId("outbox-call");
        var session = (await Grain(userId).StartSessionAsync(Login("d1"))).Session!;
        EventLog.FailNext();

        await Grain(userId).EndAllSessionsAsync(EndReason.Kicked, null, ClientDetails.None);

        Assert.DoesNotContain(EventLog.KeptFor(userId), e => e.Entry.Kind == LedgerEventKind.SessionEnded);
        var pending = Assert.Single(Stored(userId)!.Outbox, e => e.Entry.Kind == LedgerEventKind.SessionEnded);
        Assert.Equal((session.Id, EndReason.Kicked), (pending.Entry.SessionId, pending.Entry.Reason));

        await Grain(userId, 1).SweepAsync();

        var revocation = Assert.Single(EventLog.KeptFor(userId), e => e.Entry.Kind == LedgerEventKind.SessionEnded);
        Assert.Equal(pending.Id, revocation.Id);
        // A new activation offers the still-stored outbox again; the log keeps each id once.
        await DeactivateAllAsync();
        await Grain(userId, 2).GetSummaryAsync();
        Assert.Equal(2, EventLog.Offered.Count(id => id == pending.Id));
        Assert.Single(EventLog.KeptFor(userId), e => e.Id == pending.Id);
        Assert.Equal(EventLog.KeptFor(userId).Count, EventLog.KeptFor(userId).Select(e => e.Id).Distinct().Count());
    }

    [Fact]
    public async Task EndSession_EventLogFailsOnce_EntriesArriveOnTheNextActivation()
    {
        var userId = NewUserId("outbox-activation");
        var session = (await Grain(userId).StartSessionAsync(Login("d1"))).Session!;
        EventLog.FailNext();
        await Grain(userId).EndSessionAsync(session.Id, EndReason.Logout, ClientDetails.None);
        Assert.DoesNotContain(EventLog.KeptFor(userId), e => e.Entry.Kind == LedgerEventKind.SessionEnded);

        await DeactivateAllAsync();
        await Grain(userId, 1).CheckSessionAsync(session.Id); // read-only: the activation alone delivers

        var ended = Assert.Single(EventLog.KeptFor(userId), e => e.Entry.Kind == LedgerEventKind.SessionEnded);
        Assert.Equal((session.Id, EndReason.Logout), (ended.Entry.SessionId, ended.Entry.Reason));
        Assert.Contains(EventLog.KeptFor(userId), e => e.Entry.Kind == LedgerEventKind.SessionStarted);
    }

    [Fact]
    public async Task EndAllSessions_EventLogFailsOnce_EntriesArriveWithoutAnotherCall()
    {
        var userId = NewUserId("outbox-timer");
        var session = (await Grain(userId).StartSessionAsync(Login("d1"))).Session!;
        EventLog.FailNext();

        await Grain(userId).EndAllSessionsAsync(EndReason.Kicked, null, ClientDetails.None);

        // No call, no activation: the grain offers its outbox again on its own (other fronts learn of the kick only from the log).
        await Eventually.UntilAsync(() => EventLog.KeptFor(userId).Any(e => e.Entry.Kind == LedgerEventKind.SessionEnded && e.Entry.SessionId == session.Id));
    }

    /// <summary>The silo whose activation wrote the user's newest audit entry (its <c>RuntimeIdentity</c>).</summary>
    private SiloHandle HostOf(string userId)
    {
        var node = Stored(userId)!.Outbox.Last().Entry.Node;
        return Cluster.Silos.Single(s => s.SiloAddress.ToString() == node);
    }

    private async Task DeactivateAllAsync()
    {
        var management = Cluster.Client.GetGrain<IManagementGrain>(0);
        await management.ForceActivationCollection(TimeSpan.Zero);
    }
}
