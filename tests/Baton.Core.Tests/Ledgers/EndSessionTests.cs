using Baton.Core.Ledgers;
using static Baton.Core.Tests.Ledgers.LedgerFixture;

namespace Baton.Core.Tests.Ledgers;

public class EndSessionTests
{
    private static readonly DateTimeOffset T1 = T0 + TimeSpan.FromHours(1);
    private static readonly DateTimeOffset T2 = T0 + TimeSpan.FromHours(2);
    private static readonly SessionPolicy Policy = new() { MaxSessionsPerUser = 3 };

    [Theory]
    [InlineData(EndReason.Logout)]
    [InlineData(EndReason.Revoked)]
    [InlineData(EndReason.Kicked)]
    [InlineData(EndReason.PasswordChanged)]
    public void Apply_ActiveSession_EndsItWithReason(EndReason reason)
    {
        var ledger = WithLogins(Policy, "a");

        var change = ledger.Run(new EndSession("a", reason), T1, Policy);

        Assert.Equal(EndStatus.Ended, change.Outcome.Status);
        var ended = change.Outcome.Session!;
        Assert.Equal(SessionState.Ended, ended.State);
        Assert.Equal(reason, ended.EndReason);
        Assert.Equal(T1, ended.EndedAt);
        Assert.Equal(ended, change.Ledger.Get("a"));
        Assert.Equal(ledger.Get("a") with { EndedAt = T1, EndReason = reason }, ended);
        Assert.True(change.Changed);
        Assert.Equal<LedgerEvent>([new LedgerEvent(LedgerEventKind.SessionEnded, "a", 1, reason)], change.Events);
    }

    [Fact]
    public void Apply_RotatedSession_EventCarriesCurrentGeneration()
    {
        var ledger = WithLogins(Policy, "a").Then(Refresh("a", "a-rt1", "a-rt2"), T1, Policy);

        var change = ledger.Run(new EndSession("a", EndReason.Logout), T2, Policy);

        Assert.Equal<LedgerEvent>([new LedgerEvent(LedgerEventKind.SessionEnded, "a", 2, EndReason.Logout)], change.Events);
    }

    [Fact]
    public void Apply_OneOfSeveral_LeavesOthersUntouched()
    {
        var ledger = WithLogins(Policy, "a", "b", "c");

        var change = ledger.Run(new EndSession("b", EndReason.Revoked), T0 + TimeSpan.FromHours(3), Policy);

        Assert.Equal(ledger.Get("a"), change.Ledger.Get("a"));
        Assert.Equal(ledger.Get("c"), change.Ledger.Get("c"));
        Assert.Equal(["a", "c"], change.Ledger.ActiveSessions.Select(s => s.Id));
    }

    [Fact]
    public void Apply_AlreadyEnded_ReturnsAlreadyEndedAndKeepsFirstReason()
    {
        var ledger = WithLogins(Policy, "a").Then(new EndSession("a", EndReason.Logout), T1, Policy);

        var change = ledger.Run(new EndSession("a", EndReason.Revoked), T2, Policy);

        Assert.Equal(EndStatus.AlreadyEnded, change.Outcome.Status);
        Assert.Equal(EndReason.Logout, change.Outcome.Session!.EndReason);
        Assert.Equal(T1, change.Outcome.Session.EndedAt);
        Assert.False(change.Changed);
        Assert.Empty(change.Events);
        Assert.Same(ledger, change.Ledger);
    }

    [Fact]
    public void Apply_ExpiredButUnswept_ReturnsAlreadyEndedAsExpired()
    {
        var ledger = WithLogins(Policy, "a");
        var now = T0 + TimeSpan.FromDays(7);

        var change = ledger.Run(new EndSession("a", EndReason.Logout), now, Policy);

        Assert.Equal(EndStatus.AlreadyEnded, change.Outcome.Status);
        Assert.Equal(EndReason.Expired, change.Outcome.Session!.EndReason);
        Assert.True(change.Changed);
        Assert.Equal<LedgerEvent>([new LedgerEvent(LedgerEventKind.SessionEnded, "a", 1, EndReason.Expired)], change.Events);
    }

    [Fact]
    public void Apply_UnknownSession_ReturnsUnknownSessionUnchanged()
    {
        var ledger = WithLogins(Policy, "a");

        var change = ledger.Run(new EndSession("no-such-session", EndReason.Revoked), T1, Policy);

        Assert.Equal(EndStatus.UnknownSession, change.Outcome.Status);
        Assert.Null(change.Outcome.Session);
        Assert.False(change.Changed);
        Assert.Empty(change.Events);
        Assert.Same(ledger, change.Ledger);
    }

    [Fact]
    public void Apply_EmptyLedger_ReturnsUnknownSession()
    {
        var change = Empty.Run(new EndSession("a", EndReason.Logout), T0, Policy);

        Assert.Equal(EndStatus.UnknownSession, change.Outcome.Status);
        Assert.False(change.Changed);
    }
}
