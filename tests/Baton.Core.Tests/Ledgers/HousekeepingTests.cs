using Baton.Core.Ledgers;
using static Baton.Core.Tests.Ledgers.LedgerFixture;

namespace Baton.Core.Tests.Ledgers;

/// <summary>What every command does before its own rule: end expired sessions, forget old ended ones.</summary>
public class HousekeepingTests
{
    private static readonly DateTimeOffset T1 = T0 + TimeSpan.FromHours(1);
    private static readonly TimeSpan Retention = TimeSpan.FromDays(1);

    private static SessionPolicy Policy(int maxEndedKept = 16) => new()
    {
        MaxSessionsPerUser = 5,
        EndedSessionRetention = Retention,
        MaxEndedSessionsKept = maxEndedKept,
        RepeatedCallWindow = TimeSpan.Zero, // the cap alone (RepeatedStartTests covers the window)
    };

    /// <summary>Sessions a..e logged in an hour apart, then ended in the order given, one minute apart from T0 + 10 h.</summary>
    private static Ledger EndedInOrder(SessionPolicy policy, params string[] endOrder)
    {
        var ledger = WithLogins(policy, "a", "b", "c", "d", "e");
        for (var i = 0; i < endOrder.Length; i++)
        {
            ledger = ledger.Then(new EndSession(endOrder[i], EndReason.Logout), EndTime(i), policy);
        }

        return ledger;
    }

    private static DateTimeOffset EndTime(int i) => T0 + TimeSpan.FromHours(10) + TimeSpan.FromMinutes(i);

    [Fact]
    public void Apply_EndedSessionAtRetention_PrunesIt()
    {
        var policy = Policy();
        var ledger = WithLogins(policy, "a", "b").Then(new EndSession("a", EndReason.Logout), T1, policy);

        var change = ledger.Run(new SweepSessions(), T1 + Retention, policy);

        Assert.True(change.Changed);
        Assert.Empty(change.Events);
        Assert.Null(change.Ledger.Find("a"));
        Assert.Equal(["b"], change.Ledger.Sessions.Select(s => s.Id));
    }

    [Fact]
    public void Apply_EndedSessionOneTickBeforeRetention_KeepsIt()
    {
        var policy = Policy();
        var ledger = WithLogins(policy, "a", "b").Then(new EndSession("a", EndReason.Logout), T1, policy);

        var change = ledger.Run(new SweepSessions(), T1 + Retention - TimeSpan.FromTicks(1), policy);

        Assert.False(change.Changed);
        Assert.Same(ledger, change.Ledger);
        Assert.Equal(EndReason.Logout, change.Ledger.Get("a").EndReason);
    }

    [Fact]
    public void Apply_PruningOnly_IsChangedWithoutEvents()
    {
        var policy = Policy();
        var ledger = WithLogins(policy, "a").Then(new EndSession("a", EndReason.Logout), T1, policy);

        var change = ledger.Run(new EndSession("zzz", EndReason.Revoked), T1 + TimeSpan.FromDays(2), policy);

        Assert.Equal(EndStatus.UnknownSession, change.Outcome.Status);
        Assert.True(change.Changed);
        Assert.Empty(change.Events);
        Assert.Empty(change.Ledger.Sessions);
    }

    [Fact]
    public void Apply_EndedSessionsOverCap_DropsEarliestEndedFirst()
    {
        // Ended c, then a, then e: the earliest ended (c) goes first although it is not first in the list.
        var ledger = EndedInOrder(Policy(), "c", "a", "e");

        var change = ledger.Run(new SweepSessions(), EndTime(3), Policy(maxEndedKept: 2));

        Assert.True(change.Changed);
        Assert.Equal(["a", "b", "d", "e"], change.Ledger.Sessions.Select(s => s.Id));
        Assert.Equal(["b", "d"], change.Ledger.ActiveSessions.Select(s => s.Id));
        Assert.Equal(2, change.Outcome.ActiveSessions);
    }

    [Fact]
    public void Apply_CapOne_KeepsOnlyLatestEnded()
    {
        var ledger = EndedInOrder(Policy(), "e", "b", "d", "a");

        var change = ledger.Run(new SweepSessions(), EndTime(4), Policy(maxEndedKept: 1));

        Assert.Equal(["a", "c"], change.Ledger.Sessions.Select(s => s.Id));
        Assert.Equal(EndReason.Logout, change.Ledger.Get("a").EndReason);
    }

    [Fact]
    public void Apply_CapZero_ForgetsEveryEndedSessionButNoActiveOne()
    {
        var ledger = EndedInOrder(Policy(), "a", "b");

        var change = ledger.Run(new SweepSessions(), EndTime(2), Policy(maxEndedKept: 0));

        Assert.Equal(["c", "d", "e"], change.Ledger.Sessions.Select(s => s.Id));
        Assert.All(change.Ledger.Sessions, s => Assert.Equal(SessionState.Active, s.State));
    }

    [Fact]
    public void Apply_EndedSessionsAtCap_KeepsThemAll()
    {
        var ledger = EndedInOrder(Policy(), "a", "b");

        var change = ledger.Run(new SweepSessions(), EndTime(2), Policy(maxEndedKept: 2));

        Assert.False(change.Changed);
        Assert.Same(ledger, change.Ledger);
    }

    [Fact]
    public void Apply_LoginEvictsWithEndedSessionsAtCap_CommittedLedgerKeepsAtMostCapEnded()
    {
        // MaxEndedSessionsKept is "most ended sessions kept per user": the document a command hands
        // to the store must honour it too, not only the one it started from.
        var policy = new SessionPolicy { MaxEndedSessionsKept = 2 };
        var ledger = WithLogins(policy, "a", "b", "c");
        Assert.Equal(2, ledger.Sessions.Count(s => s.State == SessionState.Ended));

        var change = ledger.Run(Login("d"), T0 + TimeSpan.FromHours(3), policy);

        Assert.Equal(["c"], change.Outcome.Replaced.Select(s => s.Id));
        Assert.Equal(["b", "c", "d"], change.Ledger.Sessions.Select(s => s.Id));
    }

    [Fact]
    public void Apply_KickWithEndedSessionsAtCap_CommittedLedgerKeepsAtMostCapEnded()
    {
        var policy = Policy(maxEndedKept: 2);
        var ledger = EndedInOrder(policy, "a", "b");

        var change = ledger.Run(new EndAllSessions(EndReason.Kicked), EndTime(2), policy);

        Assert.Equal(["c", "d", "e"], change.Outcome.Ended.Select(s => s.Id));
        // a and b ended earliest, so they are the ones to forget; two of the three kicked sessions stay.
        Assert.Null(change.Ledger.Find("a"));
        Assert.Null(change.Ledger.Find("b"));
        Assert.Equal(2, change.Ledger.Sessions.Length);
    }

    [Fact]
    public void Apply_SweepAfterIdleExpiry_EndsSessionAsExpired()
    {
        var policy = Policy();
        var ledger = WithLogins(policy, "a", "b");
        var now = T0 + TimeSpan.FromDays(7);

        var change = ledger.Run(new SweepSessions(), now, policy);

        Assert.True(change.Changed);
        Assert.Equal(1, change.Outcome.ActiveSessions);
        Assert.Equal(EndReason.Expired, change.Ledger.Get("a").EndReason);
        Assert.Equal(now, change.Ledger.Get("a").EndedAt);
        Assert.Equal(SessionState.Active, change.Ledger.Get("b").State);
        Assert.Equal<LedgerEvent>([new LedgerEvent(LedgerEventKind.SessionEnded, "a", 1, EndReason.Expired)], change.Events);
    }

    [Fact]
    public void Apply_SweepAtAbsoluteExpiryOfRefreshedSession_EndsSessionAsExpired()
    {
        var policy = new SessionPolicy { RefreshIdleLifetime = TimeSpan.FromDays(7), SessionAbsoluteLifetime = TimeSpan.FromDays(10) };
        var ledger = WithLogins(policy, "a").Then(Refresh("a", "a-rt1", "a-rt2"), T0 + TimeSpan.FromDays(6), policy);
        var now = T0 + TimeSpan.FromDays(10);

        var change = ledger.Run(new SweepSessions(), now, policy);

        Assert.Equal(0, change.Outcome.ActiveSessions);
        Assert.Equal(EndReason.Expired, change.Ledger.Get("a").EndReason);
        Assert.Equal<LedgerEvent>([new LedgerEvent(LedgerEventKind.SessionEnded, "a", 2, EndReason.Expired)], change.Events);
    }

    [Fact]
    public void Apply_SessionExpiredLongAgo_IsEndedNowAndKeptForRetention()
    {
        var policy = Policy();
        var ledger = WithLogins(policy, "a");
        var now = T0 + TimeSpan.FromDays(100);

        var change = ledger.Run(new SweepSessions(), now, policy);

        Assert.Equal(now, change.Ledger.Get("a").EndedAt);
        Assert.Equal(EndReason.Expired, change.Ledger.Get("a").EndReason);
    }

    public static TheoryData<string> UnrelatedCommands => ["sweep", "end-other", "end-unknown", "end-all-except", "refresh-other", "login-other"];

    [Theory]
    [MemberData(nameof(UnrelatedCommands))]
    public void Apply_AnyCommandAfterIdleExpiry_EndsExpiredSessionAsExpired(string command)
    {
        var policy = new SessionPolicy { MaxSessionsPerUser = 3, RefreshIdleLifetime = TimeSpan.FromHours(2) };
        // a logs in at T0 and idles out at T0 + 2 h; b logs in at T0 + 1 h and stays fresh.
        var ledger = WithLogins(policy, "a", "b");
        var now = T0 + TimeSpan.FromHours(2);

        var events = command switch
        {
            "sweep" => ledger.Run(new SweepSessions(), now, policy).Events,
            "end-other" => ledger.Run(new EndSession("b", EndReason.Logout), now, policy).Events,
            "end-unknown" => ledger.Run(new EndSession("zzz", EndReason.Logout), now, policy).Events,
            "end-all-except" => ledger.Run(new EndAllSessions(EndReason.PasswordChanged, "b"), now, policy).Events,
            "refresh-other" => ledger.Run(Refresh("b", "b-rt1", "b-rt2"), now, policy).Events,
            "login-other" => ledger.Run(Login("c"), now, policy).Events,
            _ => throw new ArgumentOutOfRangeException(nameof(command)),
        };

        Assert.Equal(new LedgerEvent(LedgerEventKind.SessionEnded, "a", 1, EndReason.Expired), events[0]);
        Assert.DoesNotContain(events.Skip(1), e => e.SessionId == "a");
    }

    [Fact]
    public void Apply_SweepWithNothingToDo_ReturnsSameLedgerAndActiveCount()
    {
        var policy = Policy();
        var ledger = WithLogins(policy, "a", "b");

        var change = ledger.Run(new SweepSessions(), T0 + TimeSpan.FromHours(5), policy);

        Assert.False(change.Changed);
        Assert.Empty(change.Events);
        Assert.Same(ledger, change.Ledger);
        Assert.Equal(2, change.Outcome.ActiveSessions);
    }

    [Fact]
    public void Apply_SweepEmptyLedger_FindsNoActiveSessions()
    {
        var change = Empty.Run(new SweepSessions(), T0, Policy());

        Assert.False(change.Changed);
        Assert.Equal(0, change.Outcome.ActiveSessions);
    }
}
