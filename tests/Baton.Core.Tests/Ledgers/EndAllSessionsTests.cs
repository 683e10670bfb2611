using Baton.Core.Ledgers;
using static Baton.Core.Tests.Ledgers.LedgerFixture;

namespace Baton.Core.Tests.Ledgers;

public class EndAllSessionsTests
{
    private static readonly DateTimeOffset Now = T0 + TimeSpan.FromHours(5);
    private static readonly SessionPolicy Policy = new() { MaxSessionsPerUser = 3 };

    [Fact]
    public void Apply_SeveralActive_EndsEveryOneWithReason()
    {
        var ledger = WithLogins(Policy, "a", "b", "c");

        var change = ledger.Run(new EndAllSessions(EndReason.Kicked), Now, Policy);

        Assert.Equal(["a", "b", "c"], change.Outcome.Ended.Select(s => s.Id));
        Assert.All(change.Ledger.Sessions, s =>
        {
            Assert.Equal(SessionState.Ended, s.State);
            Assert.Equal(EndReason.Kicked, s.EndReason);
            Assert.Equal(Now, s.EndedAt);
        });
        Assert.Empty(change.Ledger.ActiveSessions);
        Assert.True(change.Changed);
        Assert.Equal<LedgerEvent>(
            [
                new LedgerEvent(LedgerEventKind.SessionEnded, "a", 1, EndReason.Kicked),
                new LedgerEvent(LedgerEventKind.SessionEnded, "b", 1, EndReason.Kicked),
                new LedgerEvent(LedgerEventKind.SessionEnded, "c", 1, EndReason.Kicked),
            ],
            change.Events);
    }

    [Fact]
    public void Apply_ExceptSessionId_KeepsThatSessionActive()
    {
        var ledger = WithLogins(Policy, "a", "b", "c");

        var change = ledger.Run(new EndAllSessions(EndReason.PasswordChanged, ExceptSessionId: "b"), Now, Policy);

        Assert.Equal(["a", "c"], change.Outcome.Ended.Select(s => s.Id));
        Assert.Equal(ledger.Get("b"), change.Ledger.Get("b"));
        Assert.Equal(["b"], change.Ledger.ActiveSessions.Select(s => s.Id));
        Assert.Equal(EndReason.PasswordChanged, change.Ledger.Get("a").EndReason);
        Assert.Equal(EndReason.PasswordChanged, change.Ledger.Get("c").EndReason);
    }

    [Fact]
    public void Apply_ExceptOnlyActiveSession_ChangesNothing()
    {
        var ledger = WithLogins(Policy, "a");

        var change = ledger.Run(new EndAllSessions(EndReason.PasswordChanged, ExceptSessionId: "a"), Now, Policy);

        Assert.Empty(change.Outcome.Ended);
        Assert.False(change.Changed);
        Assert.Same(ledger, change.Ledger);
    }

    [Fact]
    public void Apply_ExceptUnknownSessionId_EndsEveryActiveSession()
    {
        var ledger = WithLogins(Policy, "a", "b");

        var change = ledger.Run(new EndAllSessions(EndReason.PasswordChanged, ExceptSessionId: "zzz"), Now, Policy);

        Assert.Equal(["a", "b"], change.Outcome.Ended.Select(s => s.Id));
    }

    [Fact]
    public void Apply_EndedSessionsPresent_LeavesThemUntouched()
    {
        var ledger = WithLogins(Policy, "a", "b", "c").Then(new EndSession("b", EndReason.Logout), T0 + TimeSpan.FromHours(3), Policy);

        var change = ledger.Run(new EndAllSessions(EndReason.Kicked), Now, Policy);

        Assert.Equal(["a", "c"], change.Outcome.Ended.Select(s => s.Id));
        Assert.Equal(ledger.Get("b"), change.Ledger.Get("b"));
        Assert.Equal(EndReason.Logout, change.Ledger.Get("b").EndReason);
        Assert.DoesNotContain(change.Events, e => e.SessionId == "b");
    }

    [Fact]
    public void Apply_NoActiveSessions_ChangesNothing()
    {
        var ledger = WithLogins(Policy, "a").Then(new EndSession("a", EndReason.Logout), T0 + TimeSpan.FromHours(1), Policy);

        var change = ledger.Run(new EndAllSessions(EndReason.Kicked), Now, Policy);

        Assert.Empty(change.Outcome.Ended);
        Assert.False(change.Changed);
        Assert.Empty(change.Events);
        Assert.Same(ledger, change.Ledger);
    }

    [Fact]
    public void Apply_EmptyLedger_ChangesNothing()
    {
        var change = Empty.Run(new EndAllSessions(EndReason.Kicked), Now, Policy);

        Assert.Empty(change.Outcome.Ended);
        Assert.False(change.Changed);
    }

    [Fact]
    public void Apply_AfterSessionExpired_KeepsExpiredReason()
    {
        var ledger = WithLogins(Policy, "a");
        var now = T0 + TimeSpan.FromDays(8);

        var change = ledger.Run(new EndAllSessions(EndReason.Kicked), now, Policy);

        Assert.Empty(change.Outcome.Ended);
        Assert.Equal(EndReason.Expired, change.Ledger.Get("a").EndReason);
        Assert.Equal<LedgerEvent>([new LedgerEvent(LedgerEventKind.SessionEnded, "a", 1, EndReason.Expired)], change.Events);
    }
}
