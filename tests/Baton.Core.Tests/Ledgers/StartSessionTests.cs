using Baton.Core.Ledgers;
using static Baton.Core.Tests.Ledgers.LedgerFixture;

namespace Baton.Core.Tests.Ledgers;

public class StartSessionTests
{
    private static readonly DateTimeOffset T1 = T0 + TimeSpan.FromHours(1);
    private static readonly DateTimeOffset T2 = T0 + TimeSpan.FromHours(2);
    private static readonly DateTimeOffset T3 = T0 + TimeSpan.FromHours(3);

    private static SessionPolicy WebMobile(int maxPerUser, LimitAction onLimit = LimitAction.EvictOldest) => new()
    {
        MaxSessionsPerUser = maxPerUser,
        MaxSessionsPerDeviceType = { ["web"] = 1, ["mobile"] = 1 },
        OnLimit = onLimit,
    };

    [Fact]
    public void Apply_EmptyLedger_StartsActiveSessionAtGenerationOne()
    {
        var policy = new SessionPolicy();
        var device = new Device("dev-a", "web", "Firefox on Linux");
        var client = new ClientInfo("203.0.113.7", "Mozilla/5.0");

        var change = Empty.Run(new StartSession("a", device, "a-rt1", client), T0, policy);

        var session = Assert.IsType<Session>(change.Outcome.Session);
        Assert.Null(change.Outcome.Error);
        Assert.Empty(change.Outcome.Replaced);
        Assert.Equal("a", session.Id);
        Assert.Equal(device, session.Device);
        Assert.Equal(client, session.Client);
        Assert.Empty(session.Roles);
        Assert.Equal(T0, session.CreatedAt);
        Assert.Equal(T0, session.LastRefreshedAt);
        Assert.Equal(T0 + TimeSpan.FromDays(7), session.IdleExpiresAt);
        Assert.Equal(T0 + TimeSpan.FromDays(30), session.AbsoluteExpiresAt);
        Assert.Equal(T0 + TimeSpan.FromDays(7), session.RefreshExpiresAt);
        Assert.Equal(1, session.Generation);
        Assert.Equal("a-rt1", session.CurrentJti);
        Assert.Null(session.PreviousJti);
        Assert.Null(session.RotatedAt);
        Assert.Null(session.EndedAt);
        Assert.Null(session.EndReason);
        Assert.Equal(SessionState.Active, session.State);
        Assert.True(change.Changed);
        Assert.Equal<LedgerEvent>([new LedgerEvent(LedgerEventKind.SessionStarted, "a", 1)], change.Events);
        Assert.Equal(session, Assert.Single(change.Ledger.Sessions));
        Assert.Equal(UserId, change.Ledger.UserId);
        Assert.Equal(0, change.Ledger.Version);
    }

    [Fact]
    public void Apply_IdleLifetimeLongerThanAbsolute_CapsIdleExpiryAtAbsolute()
    {
        var policy = new SessionPolicy { RefreshIdleLifetime = TimeSpan.FromDays(10), SessionAbsoluteLifetime = TimeSpan.FromDays(2) };

        var session = Empty.Run(Login("a"), T0, policy).Outcome.Session!;

        Assert.Equal(T0 + TimeSpan.FromDays(2), session.IdleExpiresAt);
        Assert.Equal(T0 + TimeSpan.FromDays(2), session.AbsoluteExpiresAt);
        Assert.Equal(T0 + TimeSpan.FromDays(2), session.RefreshExpiresAt);
    }

    [Fact]
    public void Apply_CommandWithRoles_CopiesRolesToSession()
    {
        var command = Login("a") with { Roles = ["admin", "support"] };

        var session = Empty.Run(command, T0, new SessionPolicy()).Outcome.Session!;

        Assert.Equal<string>(["admin", "support"], session.Roles);
    }

    [Fact]
    public void Apply_InputLedger_IsNotModified()
    {
        var policy = new SessionPolicy();
        var before = WithLogins(policy, "a");
        var document = Json(before);

        var change = before.Run(Login("b"), T1, policy);

        Assert.True(change.Changed);
        Assert.NotSame(before, change.Ledger);
        Assert.Equal(document, Json(before));
        Assert.Equal(SessionState.Active, before.Get("a").State);
    }

    [Fact]
    public void Apply_DefaultPolicySecondLogin_ReplacesFirstSession()
    {
        var policy = new SessionPolicy();
        var ledger = WithLogins(policy, "a");

        var change = ledger.Run(Login("b"), T1, policy);

        var replaced = Assert.Single(change.Outcome.Replaced);
        Assert.Equal("a", replaced.Id);
        Assert.Equal(EndReason.Replaced, replaced.EndReason);
        Assert.Equal(T1, replaced.EndedAt);
        Assert.Equal(replaced, change.Ledger.Get("a"));
        Assert.Equal("b", change.Outcome.Session!.Id);
        Assert.Null(change.Outcome.Error);
        Assert.Equal<LedgerEvent>(
            [
                new LedgerEvent(LedgerEventKind.SessionEnded, "a", 1, EndReason.Replaced),
                new LedgerEvent(LedgerEventKind.SessionStarted, "b", 1),
            ],
            change.Events);
        Assert.Equal(["b"], change.Ledger.ActiveSessions.Select(s => s.Id));
        Assert.Equal(["a", "b"], change.Ledger.Sessions.Select(s => s.Id));
    }

    [Fact]
    public void Apply_EvictedSessionWasRotated_EventCarriesItsGeneration()
    {
        var policy = new SessionPolicy();
        var ledger = WithLogins(policy, "a")
            .Then(Refresh("a", "a-rt1", "a-rt2"), T1, policy)
            .Then(Refresh("a", "a-rt2", "a-rt3"), T2, policy);

        var change = ledger.Run(Login("b"), T3, policy);

        Assert.Equal(new LedgerEvent(LedgerEventKind.SessionEnded, "a", 3, EndReason.Replaced), change.Events[0]);
    }

    [Fact]
    public void Apply_MaxThreeAtLimit_EvictsOldestByCreatedAt()
    {
        var policy = new SessionPolicy { MaxSessionsPerUser = 3 };
        var ledger = WithLogins(policy, "a", "b", "c");

        var change = ledger.Run(Login("d"), T3, policy);

        Assert.Equal(["a"], change.Outcome.Replaced.Select(s => s.Id));
        Assert.Equal(EndReason.Replaced, change.Ledger.Get("a").EndReason);
        Assert.Equal(["b", "c", "d"], change.Ledger.ActiveSessions.Select(s => s.Id));
    }

    [Fact]
    public void Apply_SessionsListedOutOfLoginOrder_EvictsEarliestCreatedAt()
    {
        var policy = new SessionPolicy { MaxSessionsPerUser = 3 };
        Session Started(string id, DateTimeOffset at) => Session.Start(id, Web("dev-" + id), ClientInfo.None, id + "-rt1", at, policy);
        var ledger = new Ledger(UserId, 7, [Started("b", T1), Started("a", T0), Started("c", T2)]);

        var change = ledger.Run(Login("d"), T3, policy);

        Assert.Equal(["a"], change.Outcome.Replaced.Select(s => s.Id));
        Assert.Equal(["b", "c", "d"], change.Ledger.ActiveSessions.Select(s => s.Id));
    }

    [Fact]
    public void Apply_OldestLoginRefreshedMostRecently_StillEvictsOldestLogin()
    {
        var policy = new SessionPolicy { MaxSessionsPerUser = 2 };
        var ledger = WithLogins(policy, "a", "b").Then(Refresh("a", "a-rt1", "a-rt2"), T2, policy);

        var change = ledger.Run(Login("c"), T3, policy);

        Assert.Equal(["a"], change.Outcome.Replaced.Select(s => s.Id));
    }

    [Fact]
    public void Apply_UnderMaxSessions_EvictsNothing()
    {
        var policy = new SessionPolicy { MaxSessionsPerUser = 3 };
        var ledger = WithLogins(policy, "a", "b");

        var change = ledger.Run(Login("c"), T2, policy);

        Assert.Empty(change.Outcome.Replaced);
        Assert.Equal<LedgerEvent>([new LedgerEvent(LedgerEventKind.SessionStarted, "c", 1)], change.Events);
        Assert.Equal(["a", "b", "c"], change.Ledger.ActiveSessions.Select(s => s.Id));
    }

    [Fact]
    public void Apply_SecondWebLoginWithPerTypeLimits_EvictsOnlyOlderWebSession()
    {
        var policy = WebMobile(maxPerUser: 3);
        var ledger = Empty
            .Then(Login("w1", Web("laptop")), T0, policy)
            .Then(Login("m1", Mobile("phone")), T1, policy);

        var change = ledger.Run(Login("w2", Web("desktop-browser")), T2, policy);

        Assert.Equal(["w1"], change.Outcome.Replaced.Select(s => s.Id));
        Assert.Equal(EndReason.Replaced, change.Ledger.Get("w1").EndReason);
        Assert.Equal(ledger.Get("m1"), change.Ledger.Get("m1"));
        Assert.Equal(["m1", "w2"], change.Ledger.ActiveSessions.Select(s => s.Id));
        Assert.Equal<LedgerEvent>(
            [
                new LedgerEvent(LedgerEventKind.SessionEnded, "w1", 1, EndReason.Replaced),
                new LedgerEvent(LedgerEventKind.SessionStarted, "w2", 1),
            ],
            change.Events);
    }

    [Fact]
    public void Apply_DeviceTypeDiffersInCase_CountsAgainstSameTypeLimit()
    {
        var policy = WebMobile(maxPerUser: 3);
        var ledger = Empty.Then(Login("w1", Web("laptop")), T0, policy);

        var change = ledger.Run(Login("w2", new Device("tablet", "WEB", null)), T1, policy);

        Assert.Equal(["w1"], change.Outcome.Replaced.Select(s => s.Id));
    }

    [Fact]
    public void Apply_TypeWithoutOwnLimit_IsLimitedOnlyPerUser()
    {
        var policy = WebMobile(maxPerUser: 3);
        var ledger = Empty
            .Then(Login("t1", new Device("tv-1", "tv", null)), T0, policy)
            .Then(Login("t2", new Device("tv-2", "tv", null)), T1, policy);

        var third = ledger.Run(Login("t3", new Device("tv-3", "tv", null)), T2, policy);
        var fourth = third.Ledger.Run(Login("t4", new Device("tv-4", "tv", null)), T3, policy);

        Assert.Empty(third.Outcome.Replaced);
        Assert.Equal(["t1"], fourth.Outcome.Replaced.Select(s => s.Id));
        Assert.Equal(["t2", "t3", "t4"], fourth.Ledger.ActiveSessions.Select(s => s.Id));
    }

    [Fact]
    public void Apply_PerUserLimitReachedByOtherTypes_EvictsOldestOfAnyType()
    {
        var policy = WebMobile(maxPerUser: 2);
        var ledger = Empty
            .Then(Login("m1", Mobile("phone")), T0, policy)
            .Then(Login("d1", new Device("pc", "desktop", null)), T1, policy);

        var change = ledger.Run(Login("w1", Web("laptop")), T2, policy);

        Assert.Equal(["m1"], change.Outcome.Replaced.Select(s => s.Id));
        Assert.Equal(["d1", "w1"], change.Ledger.ActiveSessions.Select(s => s.Id));
    }

    [Fact]
    public void Apply_PolicyLoweredBelowActiveCount_EvictsOldestFirstDownToLimit()
    {
        var ledger = WithLogins(new SessionPolicy { MaxSessionsPerUser = 3 }, "a", "b", "c");

        var change = ledger.Run(Login("d"), T3, new SessionPolicy { MaxSessionsPerUser = 1 });

        Assert.Equal(["a", "b", "c"], change.Outcome.Replaced.Select(s => s.Id));
        Assert.All(change.Outcome.Replaced, s => Assert.Equal(EndReason.Replaced, s.EndReason));
        Assert.Equal(["d"], change.Ledger.ActiveSessions.Select(s => s.Id));
        Assert.Equal<LedgerEvent>(
            [
                new LedgerEvent(LedgerEventKind.SessionEnded, "a", 1, EndReason.Replaced),
                new LedgerEvent(LedgerEventKind.SessionEnded, "b", 1, EndReason.Replaced),
                new LedgerEvent(LedgerEventKind.SessionEnded, "c", 1, EndReason.Replaced),
                new LedgerEvent(LedgerEventKind.SessionStarted, "d", 1),
            ],
            change.Events);
    }

    [Fact]
    public void Apply_SameDeviceId_ReplacesThatDevicesSessionOnly()
    {
        var policy = new SessionPolicy { MaxSessionsPerUser = 3 };
        var ledger = Empty
            .Then(Login("a", Web("laptop")), T0, policy)
            .Then(Login("b", Web("phone-browser")), T1, policy);

        var change = ledger.Run(Login("c", Web("laptop")), T2, policy);

        Assert.Equal(["a"], change.Outcome.Replaced.Select(s => s.Id));
        Assert.Equal(EndReason.Replaced, change.Ledger.Get("a").EndReason);
        Assert.Equal(ledger.Get("b"), change.Ledger.Get("b"));
        Assert.Equal(["b", "c"], change.Ledger.ActiveSessions.Select(s => s.Id));
    }

    [Fact]
    public void Apply_SameDeviceIdNewerThanOthers_ReplacesItInsteadOfOldest()
    {
        var policy = new SessionPolicy { MaxSessionsPerUser = 2 };
        var ledger = Empty
            .Then(Login("a", Web("laptop")), T0, policy)
            .Then(Login("b", Mobile("phone")), T1, policy);

        var change = ledger.Run(Login("c", Mobile("phone")), T2, policy);

        Assert.Equal(["b"], change.Outcome.Replaced.Select(s => s.Id));
        Assert.Equal(["a", "c"], change.Ledger.ActiveSessions.Select(s => s.Id));
    }

    [Fact]
    public void Apply_SameDeviceIdUnderRejectNewAtLimit_ReplacesItsOldSession()
    {
        var policy = new SessionPolicy { OnLimit = LimitAction.RejectNew };
        var ledger = Empty.Then(Login("a", Web("laptop")), T0, policy);

        var change = ledger.Run(Login("b", Web("laptop")), T1, policy);

        Assert.Null(change.Outcome.Error);
        Assert.Equal("b", change.Outcome.Session!.Id);
        Assert.Equal(["a"], change.Outcome.Replaced.Select(s => s.Id));
        Assert.Equal(EndReason.Replaced, change.Ledger.Get("a").EndReason);
        Assert.Equal(["b"], change.Ledger.ActiveSessions.Select(s => s.Id));
        Assert.Equal<LedgerEvent>(
            [
                new LedgerEvent(LedgerEventKind.SessionEnded, "a", 1, EndReason.Replaced),
                new LedgerEvent(LedgerEventKind.SessionStarted, "b", 1),
            ],
            change.Events);
    }

    [Fact]
    public void Apply_RejectNewAtUserLimit_ReturnsSessionLimitReachedUnchanged()
    {
        var policy = new SessionPolicy { OnLimit = LimitAction.RejectNew };
        var ledger = Empty.Then(Login("a", Web("laptop")), T0, policy);

        var change = ledger.Run(Login("b", Web("other-laptop")), T1, policy);

        Assert.Equal(ErrorCode.SessionLimitReached, change.Outcome.Error);
        Assert.Null(change.Outcome.Session);
        Assert.Empty(change.Outcome.Replaced);
        Assert.False(change.Changed);
        Assert.Empty(change.Events);
        Assert.Same(ledger, change.Ledger);
        Assert.Equal(SessionState.Active, change.Ledger.Get("a").State);
    }

    [Fact]
    public void Apply_RejectNewAtPerTypeLimit_RefusesThatTypeOnly()
    {
        var policy = WebMobile(maxPerUser: 3, LimitAction.RejectNew);
        var ledger = Empty.Then(Login("w1", Web("laptop")), T0, policy);

        var web = ledger.Run(Login("w2", Web("other-laptop")), T1, policy);
        var mobile = ledger.Run(Login("m1", Mobile("phone")), T1, policy);

        Assert.Equal(ErrorCode.SessionLimitReached, web.Outcome.Error);
        Assert.False(web.Changed);
        Assert.Empty(web.Events);
        Assert.Same(ledger, web.Ledger);
        Assert.Null(mobile.Outcome.Error);
        Assert.Empty(mobile.Outcome.Replaced);
        Assert.Equal(["w1", "m1"], mobile.Ledger.ActiveSessions.Select(s => s.Id));
    }

    [Fact]
    public void Apply_RejectNewUnderLimit_StartsSession()
    {
        var policy = new SessionPolicy { MaxSessionsPerUser = 2, OnLimit = LimitAction.RejectNew };
        var ledger = WithLogins(policy, "a");

        var change = ledger.Run(Login("b"), T1, policy);

        Assert.Null(change.Outcome.Error);
        Assert.Empty(change.Outcome.Replaced);
        Assert.Equal(["a", "b"], change.Ledger.ActiveSessions.Select(s => s.Id));
    }

    [Fact]
    public void Apply_RejectNewWhenOnlyEndedSessionsRemain_StartsSession()
    {
        var policy = new SessionPolicy { OnLimit = LimitAction.RejectNew };
        var ledger = WithLogins(policy, "a").Then(new EndSession("a", EndReason.Logout), T1, policy);

        var change = ledger.Run(Login("b"), T2, policy);

        Assert.Null(change.Outcome.Error);
        Assert.Empty(change.Outcome.Replaced);
        Assert.Equal(EndReason.Logout, change.Ledger.Get("a").EndReason);
    }

    [Fact]
    public void Apply_ExpiredSessionAtLimit_EndsItAsExpiredNotReplaced()
    {
        var policy = new SessionPolicy();
        var ledger = WithLogins(policy, "a");
        var now = T0 + TimeSpan.FromDays(8);

        var change = ledger.Run(Login("b"), now, policy);

        Assert.Empty(change.Outcome.Replaced);
        Assert.Equal(EndReason.Expired, change.Ledger.Get("a").EndReason);
        Assert.Equal(now, change.Ledger.Get("a").EndedAt);
        Assert.Equal<LedgerEvent>(
            [
                new LedgerEvent(LedgerEventKind.SessionEnded, "a", 1, EndReason.Expired),
                new LedgerEvent(LedgerEventKind.SessionStarted, "b", 1),
            ],
            change.Events);
    }

    [Fact]
    public void Apply_RejectNewWhenSessionAtLimitHasExpired_StartsSession()
    {
        var policy = new SessionPolicy { OnLimit = LimitAction.RejectNew };
        var ledger = WithLogins(policy, "a");

        var change = ledger.Run(Login("b"), T0 + TimeSpan.FromDays(7), policy);

        Assert.Null(change.Outcome.Error);
        Assert.Equal(EndReason.Expired, change.Ledger.Get("a").EndReason);
        Assert.Equal(["b"], change.Ledger.ActiveSessions.Select(s => s.Id));
    }

    [Fact]
    public void Apply_EndedSessionOfSameDevice_IsNotEndedAgain()
    {
        var policy = new SessionPolicy();
        var ledger = Empty
            .Then(Login("a", Web("laptop")), T0, policy)
            .Then(new EndSession("a", EndReason.Logout), T1, policy);

        var change = ledger.Run(Login("b", Web("laptop")), T2, policy);

        Assert.Empty(change.Outcome.Replaced);
        Assert.Equal(ledger.Get("a"), change.Ledger.Get("a"));
        Assert.Equal<LedgerEvent>([new LedgerEvent(LedgerEventKind.SessionStarted, "b", 1)], change.Events);
    }

    [Fact]
    public void LimitReached_Outcome_HasNoSessionAndSessionLimitReachedError()
    {
        var outcome = StartSessionOutcome.LimitReached;

        Assert.Null(outcome.Session);
        Assert.Empty(outcome.Replaced);
        Assert.Equal(ErrorCode.SessionLimitReached, outcome.Error);
    }
}
