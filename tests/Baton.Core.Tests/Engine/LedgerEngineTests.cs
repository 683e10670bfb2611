using Baton.Core.Engine;
using Baton.Core.Ledgers;
using static Baton.Core.Tests.Engine.EngineHarness;

namespace Baton.Core.Tests.Engine;

public class LedgerEngineTests
{
    private const string User = "user-1";

    [Fact]
    public async Task ExecuteAsync_LoginThenRefresh_CommitsOneVersionEach()
    {
        var harness = new EngineHarness();
        var node = harness.NewNode();

        var login = await Ok(node.ExecuteAsync(User, Login(), ClientInfo.None, default));
        var refresh = await Ok(node.ExecuteAsync(User, Refresh(login.Session!), ClientInfo.None, default));

        Assert.Equal(RefreshStatus.Rotated, refresh.Status);
        var stored = harness.Memory.Peek(User);
        Assert.Equal(2, stored.Version);
        Assert.Equal(refresh.Session!.CurrentJti, stored.Find(login.Session!.Id)!.CurrentJti);
        Assert.Equal([1L, 2L], harness.Memory.Committed.Select(w => w.Ledger.Version));
    }

    [Fact]
    public async Task ExecuteAsync_UnchangedOutcome_DoesNotWrite()
    {
        var harness = new EngineHarness();
        var node = harness.NewNode();
        var session = (await Ok(node.ExecuteAsync(User, Login(), ClientInfo.None, default))).Session!;
        var saves = harness.Memory.Saves;

        var outcome = await Ok(node.ExecuteAsync(User, new EndSession("no-such-session", EndReason.Revoked), ClientInfo.None, default));

        Assert.Equal(EndStatus.UnknownSession, outcome.Status);
        Assert.Equal(saves, harness.Memory.Saves);
        Assert.Equal(SessionState.Active, harness.Memory.Peek(User).Find(session.Id)!.State);
    }

    [Fact]
    public async Task ExecuteAsync_CommittedWrite_CarriesEventsAuditAndExpiry()
    {
        var harness = new EngineHarness();
        var node = harness.NewNode();
        var client = new ClientInfo("127.0.0.1", "test-agent");

        var session = (await Ok(node.ExecuteAsync(User, Login(), client, default))).Session!;

        var write = Assert.Single(harness.Memory.Committed);
        Assert.Equal(0, write.ExpectedVersion);
        Assert.Equal(LedgerEventKind.SessionStarted, Assert.Single(write.Events).Kind);
        Assert.Equal(client, write.Audit.Client);
        Assert.Equal("test", write.Audit.Node);
        Assert.Equal(harness.Clock.GetUtcNow(), write.Audit.At);
        Assert.Equal(session.RefreshExpiresAt, write.ExpiresAt);
    }

    [Fact]
    public async Task ExecuteAsync_BurstOfRefreshesOnOneNode_CostsOneLoadAndOneSave()
    {
        var harness = new EngineHarness();
        var node = harness.NewNode();
        var session = (await Ok(node.ExecuteAsync(User, Login(), ClientInfo.None, default))).Session!;
        int loads = harness.Memory.Loads, saves = harness.Memory.Saves;

        await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => Task.Run(() => node.ExecuteAsync(User, Refresh(session), ClientInfo.None, default))));

        // The login's write left the ledger cached; the queue turns 19 racers into cache hits.
        Assert.Equal(loads, harness.Memory.Loads);
        Assert.Equal(saves + 1, harness.Memory.Saves);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public async Task ExecuteAsync_50ParallelRefreshesOfOneToken_ProduceOneNewGeneration(int nodes)
    {
        var harness = new EngineHarness();
        var engines = Enumerable.Range(0, nodes).Select(_ => harness.NewNode()).ToArray();
        var session = (await Ok(engines[0].ExecuteAsync(User, Login(), ClientInfo.None, default))).Session!;

        var outcomes = await Task.WhenAll(Enumerable.Range(0, 50).Select(i =>
            Task.Run(() => Ok(engines[i % nodes].ExecuteAsync(User, Refresh(session), ClientInfo.None, default)))));

        Assert.Single(outcomes, o => o.Status == RefreshStatus.Rotated);
        Assert.All(outcomes, o => Assert.Contains(o.Status, new[] { RefreshStatus.Rotated, RefreshStatus.GraceReplay }));
        var current = harness.Memory.Peek(User).Find(session.Id)!;
        Assert.Equal(2, current.Generation);
        Assert.Equal(SessionState.Active, current.State);
        Assert.All(outcomes, o => Assert.Equal(current.CurrentJti, o.Session!.CurrentJti));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public async Task ExecuteAsync_50ParallelRefreshesWithZeroGrace_OneRotationThenCleanRefusals(int nodes)
    {
        var harness = new EngineHarness(new SessionPolicy { RefreshReuseGrace = TimeSpan.Zero });
        var engines = Enumerable.Range(0, nodes).Select(_ => harness.NewNode()).ToArray();
        var session = (await Ok(engines[0].ExecuteAsync(User, Login(), ClientInfo.None, default))).Session!;

        var outcomes = await Task.WhenAll(Enumerable.Range(0, 50).Select(i =>
            Task.Run(() => Ok(engines[i % nodes].ExecuteAsync(User, Refresh(session), ClientInfo.None, default)))));

        Assert.Single(outcomes, o => o.Status == RefreshStatus.Rotated);
        Assert.All(outcomes.Where(o => o.Status != RefreshStatus.Rotated), o => Assert.NotNull(o.Error));
        var rotations = harness.Memory.Committed.Count(w => w.Events.Any(e => e.Kind == LedgerEventKind.TokenRotated));
        Assert.Equal(1, rotations);
        // The second presentation is reuse: the session ends exactly once.
        Assert.Equal(1, harness.Memory.Committed.Count(w => w.Events.Any(e => e.Kind == LedgerEventKind.ReuseDetected)));
        Assert.Equal(EndReason.ReuseDetected, harness.Memory.Peek(User).Find(session.Id)!.EndReason);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public async Task ExecuteAsync_20ConcurrentLoginsAtLimit3_NoCommittedVersionExceedsLimit(int nodes)
    {
        var harness = new EngineHarness(new SessionPolicy { MaxSessionsPerUser = 3 });
        var engines = Enumerable.Range(0, nodes).Select(_ => harness.NewNode()).ToArray();
        await Ok(engines[0].ExecuteAsync(User, Login("a"), ClientInfo.None, default));
        await Ok(engines[0].ExecuteAsync(User, Login("b"), ClientInfo.None, default));

        var outcomes = await Task.WhenAll(Enumerable.Range(0, 20).Select(i =>
            Task.Run(() => Ok(engines[i % nodes].ExecuteAsync(User, Login($"device-{i}"), ClientInfo.None, default)))));

        Assert.All(outcomes, o => Assert.NotNull(o.Session));
        Assert.Equal(22, harness.Memory.Committed.Count);
        Assert.All(harness.Memory.Committed, w => Assert.True(w.Ledger.ActiveSessions.Count() <= 3, $"version {w.Ledger.Version} holds {w.Ledger.ActiveSessions.Count()} active sessions"));
        Assert.Equal(3, harness.Memory.Peek(User).ActiveSessions.Count());
    }

    [Fact]
    public async Task ExecuteAsync_ConcurrentLoginsWithRejectNew_AdmitExactlyTheLimit()
    {
        var harness = new EngineHarness(new SessionPolicy { MaxSessionsPerUser = 3, OnLimit = LimitAction.RejectNew });
        var engines = new[] { harness.NewNode(), harness.NewNode() };

        var outcomes = await Task.WhenAll(Enumerable.Range(0, 20).Select(i =>
            Task.Run(() => Ok(engines[i % 2].ExecuteAsync(User, Login($"device-{i}"), ClientInfo.None, default)))));

        Assert.Equal(3, outcomes.Count(o => o.Session is not null));
        Assert.Equal(17, outcomes.Count(o => o.Error == ErrorCode.SessionLimitReached));
    }

    [Fact]
    public async Task ExecuteAsync_KickRacingRefreshes_LeavesNothingUsable()
    {
        var harness = new EngineHarness(new SessionPolicy { MaxSessionsPerUser = 5 });
        var engines = new[] { harness.NewNode(), harness.NewNode() };
        var sessions = new List<Session>();
        for (var i = 0; i < 5; i++)
        {
            sessions.Add((await Ok(engines[0].ExecuteAsync(User, Login($"d{i}"), ClientInfo.None, default))).Session!);
        }

        // Each device refreshes in a loop, always with the newest token it received.
        using var stop = new CancellationTokenSource();
        var rotations = 0;
        var refreshers = sessions.Select((s, i) => Task.Run(async () =>
        {
            var current = s;
            var minted = new List<Session>();
            while (!stop.IsCancellationRequested)
            {
                // Two nodes hammering one user lose races, but a command that keeps losing holds
                // the ledger for its next attempt: none gives up.
                var outcome = await Ok(engines[i % 2].ExecuteAsync(User, Refresh(current), ClientInfo.None, default));
                if (outcome.Error is not null)
                {
                    break;
                }

                current = outcome.Session!;
                minted.Add(current);
                Interlocked.Increment(ref rotations);
            }

            return (Last: current, Minted: minted);
        })).ToArray();

        await Eventually.UntilAsync(() => Volatile.Read(ref rotations) >= 5); // the kick lands mid-storm
        var kick = await Ok(engines[1].ExecuteAsync(User, new EndAllSessions(EndReason.Kicked), ClientInfo.None, default));
        await stop.CancelAsync();
        var results = await Task.WhenAll(refreshers);

        Assert.NotEmpty(kick.Ended);
        var ledger = harness.Memory.Peek(User);
        Assert.Empty(ledger.ActiveSessions);
        foreach (var (last, _) in results)
        {
            var retry = await Ok(engines[0].ExecuteAsync(User, Refresh(last), ClientInfo.None, default));
            Assert.Equal(ErrorCode.SessionEnded, retry.Error);
            Assert.Equal(EndReason.Kicked, retry.Session!.EndReason);
            Assert.Equal(ErrorCode.SessionEnded, ledger.Check(last.Id, harness.Clock.GetUtcNow()).Error);
        }
    }

    [Fact]
    public async Task ExecuteAsync_LostRace_ReloadsAndReappliesOnTheWinnersLedger()
    {
        var (harness, racing) = RacingHarness();
        var node = harness.NewNode();
        racing.RacesToLose = 1;

        var outcome = await Ok(node.ExecuteAsync(User, Login("mine"), ClientInfo.None, default));

        Assert.Equal(1, racing.RacesLost);
        Assert.Equal(0, harness.Memory.ExclusiveWrites);
        var stored = harness.Memory.Peek(User);
        Assert.Equal(2, stored.Version);
        Assert.Equal(2, stored.ActiveSessions.Count());
        Assert.Equal(outcome.Session!.Id, stored.Find(outcome.Session.Id)!.Id);
    }

    [Fact]
    public async Task ExecuteAsync_TwoLostRaces_ThirdAttemptHoldsTheLedgerAndCommits()
    {
        var (harness, racing) = RacingHarness();
        var node = harness.NewNode();
        racing.RacesToLose = int.MaxValue; // every compare-and-swap loses

        var outcome = await Ok(node.ExecuteAsync(User, Login("mine"), ClientInfo.None, default));

        Assert.Equal(2, racing.RacesLost);
        Assert.Equal(1, harness.Memory.ExclusiveWrites);
        var stored = harness.Memory.Peek(User);
        Assert.Equal(3, stored.Version);
        Assert.Equal(3, stored.ActiveSessions.Count());
        Assert.NotNull(stored.Find(outcome.Session!.Id));
    }

    [Fact]
    public async Task ExecuteAsync_HeldLedgerNeedsNoWrite_AnswersFromIt()
    {
        var memory = new InMemoryLedgerStore();
        var policy = new SessionPolicy { MaxSessionsPerUser = 5 };
        var races = 0;
        // The first lost race logs another device in; the second ends the session being logged out.
        var racing = new RacingLedgerStore(memory, ledger => ++races == 1
            ? Login("other").Apply(ledger, TestClock.DefaultStart, policy).Ledger
            : new EndSession("mine", EndReason.Kicked).Apply(ledger, TestClock.DefaultStart, policy).Ledger);
        var harness = new EngineHarness(policy, racing, memory);
        var node = harness.NewNode();
        await Ok(node.ExecuteAsync(User, new StartSession("mine", new Device("d1", "web", null), RandomIds.New(), ClientInfo.None), ClientInfo.None, default));
        racing.RacesToLose = 2;

        var logout = await Ok(node.ExecuteAsync(User, new EndSession("mine", EndReason.Logout), ClientInfo.None, default));

        Assert.Equal(EndStatus.AlreadyEnded, logout.Status);
        Assert.Equal(EndReason.Kicked, logout.Session!.EndReason);
        Assert.Equal(1, memory.ExclusiveWrites);
        Assert.Equal(3, memory.Peek(User).Version); // the login and the two interlopers; the held attempt wrote nothing
    }

    [Fact]
    public async Task ExecuteAsync_EveryAttemptLosesTheRace_FailsWithTooManyConflicts()
    {
        var (harness, racing) = RacingHarness();
        var node = harness.NewNode(maxAttempts: 4);
        racing.RacesToLose = int.MaxValue;
        racing.LoseExclusiveWrites = true; // as if the ledger were being created by another node each time

        var result = await node.ExecuteAsync(User, Login(), ClientInfo.None, default);

        Assert.False(result.Succeeded);
        Assert.Equal(EngineFailure.TooManyConflicts, result.Failure);
        Assert.Equal(4, racing.RacesLost);
    }

    /// <summary>A node whose writes lose races to another node that logs a new device in each time (limit 5: nothing is evicted).</summary>
    private static (EngineHarness Harness, RacingLedgerStore Racing) RacingHarness()
    {
        var memory = new InMemoryLedgerStore();
        var policy = new SessionPolicy { MaxSessionsPerUser = 5 };
        var interloperDevices = 0;
        var racing = new RacingLedgerStore(memory, ledger =>
            Login($"other-{interloperDevices++}").Apply(ledger, TestClock.DefaultStart, policy).Ledger);
        return (new EngineHarness(policy, racing, memory), racing);
    }

    [Fact]
    public async Task ExecuteAsync_StoreDown_FailsClosedAndUnconsumedTokenWorksAfterRecovery()
    {
        var harness = new EngineHarness();
        var node = harness.NewNode();
        var session = (await Ok(node.ExecuteAsync(User, Login(), ClientInfo.None, default))).Session!;
        harness.Memory.Available = false;

        var refused = await node.ExecuteAsync(User, Refresh(session), ClientInfo.None, default);
        var read = await node.ReadAsync(User, default);

        Assert.Equal(EngineFailure.StoreUnavailable, refused.Failure);
        Assert.Equal(EngineFailure.StoreUnavailable, read.Failure);

        harness.Memory.Available = true;
        var retried = await Ok(node.ExecuteAsync(User, Refresh(session), ClientInfo.None, default));
        Assert.Equal(RefreshStatus.Rotated, retried.Status);
    }

    [Fact]
    public async Task ExecuteAsync_ConnectionLostAfterCommit_RetryInsideGraceGetsTheCommittedGeneration()
    {
        var harness = new EngineHarness();
        var node = harness.NewNode();
        var session = (await Ok(node.ExecuteAsync(User, Login(), ClientInfo.None, default))).Session!;
        harness.Memory.FailAfterCommit = 1;

        var lost = await node.ExecuteAsync(User, Refresh(session), ClientInfo.None, default);
        harness.Clock.Advance(TimeSpan.FromSeconds(1));
        var retry = await Ok(node.ExecuteAsync(User, Refresh(session), ClientInfo.None, default));

        Assert.Equal(EngineFailure.StoreUnavailable, lost.Failure);
        Assert.Equal(RefreshStatus.GraceReplay, retry.Status);
        var stored = harness.Memory.Peek(User).Find(session.Id)!;
        Assert.Equal(2, stored.Generation);
        Assert.Equal(stored.CurrentJti, retry.Session!.CurrentJti);
    }

    [Fact]
    public async Task ReadAsync_AfterAnotherNodesWrite_SeesTheNewVersion()
    {
        var harness = new EngineHarness();
        var a = harness.NewNode();
        var b = harness.NewNode();
        var session = (await Ok(a.ExecuteAsync(User, Login(), ClientInfo.None, default))).Session!;
        Assert.True((await b.ReadAsync(User, default)).Outcome!.Check(session.Id, harness.Clock.GetUtcNow()).IsActive);

        await Ok(a.ExecuteAsync(User, new EndAllSessions(EndReason.Kicked), ClientInfo.None, default));
        var check = (await b.ReadAsync(User, default)).Outcome!.Check(session.Id, harness.Clock.GetUtcNow());

        Assert.Equal(ErrorCode.SessionEnded, check.Error);
        Assert.Equal(EndReason.Kicked, check.Reason);
    }

    [Fact]
    public async Task ReadAsync_CachedLedger_DoesNotTouchTheStore()
    {
        var harness = new EngineHarness();
        var node = harness.NewNode();
        await Ok(node.ExecuteAsync(User, Login(), ClientInfo.None, default));
        var loads = harness.Memory.Loads;

        for (var i = 0; i < 10; i++)
        {
            Assert.True((await node.ReadAsync(User, default)).Succeeded);
        }

        Assert.Equal(loads, harness.Memory.Loads);
    }

    [Fact]
    public async Task ExecuteAsync_CancelledWhileQueued_ThrowsAndReleasesTheQueue()
    {
        var harness = new EngineHarness();
        var node = harness.NewNode();
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => node.ExecuteAsync(User, Login(), ClientInfo.None, cancelled.Token));
        var after = await Ok(node.ExecuteAsync(User, Login(), ClientInfo.None, default));

        Assert.NotNull(after.Session);
    }

    [Fact]
    public async Task ExecuteAsync_RefreshOfASessionStartedElsewhere_WhileTheNoticeIsMissing_IsConfirmedOnTheStore()
    {
        var harness = new EngineHarness(new SessionPolicy { MaxSessionsPerUser = 3 });
        var nodeA = harness.NewNode();
        var deaf = harness.NewDeafNode();
        await Ok(deaf.ExecuteAsync(User, Login("d1"), ClientInfo.None, default)); // the deaf node caches the ledger
        var started = (await Ok(nodeA.ExecuteAsync(User, Login("d2"), ClientInfo.None, default))).Session!;

        var refreshed = await Ok(deaf.ExecuteAsync(User, Refresh(started), ClientInfo.None, default));

        Assert.Equal(RefreshStatus.Rotated, refreshed.Status);
    }

    [Fact]
    public async Task ExecuteAsync_KickWithNothingActiveInAStaleCache_StillEndsTheSessionStartedElsewhere()
    {
        var harness = new EngineHarness(new SessionPolicy { MaxSessionsPerUser = 3 });
        var nodeA = harness.NewNode();
        var deaf = harness.NewDeafNode();
        var first = (await Ok(deaf.ExecuteAsync(User, Login("d1"), ClientInfo.None, default))).Session!;
        await Ok(deaf.ExecuteAsync(User, new EndSession(first.Id, EndReason.Logout), ClientInfo.None, default)); // cached: nothing active
        var started = (await Ok(nodeA.ExecuteAsync(User, Login("d2"), ClientInfo.None, default))).Session!;

        var kick = await Ok(deaf.ExecuteAsync(User, new EndAllSessions(EndReason.Kicked), ClientInfo.None, default));

        Assert.Contains(kick.Ended, s => s.Id == started.Id);
        Assert.Equal(SessionState.Ended, harness.Memory.Peek(User).Find(started.Id)!.State);
    }
}
