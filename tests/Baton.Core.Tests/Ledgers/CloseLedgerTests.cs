using Baton.Core.Ledgers;
using static Baton.Core.Tests.Ledgers.LedgerFixture;

namespace Baton.Core.Tests.Ledgers;

/// <summary>Locking and deleting an account as far as sessions go (SECURITY.md 14).</summary>
public class CloseLedgerTests
{
    private static readonly DateTimeOffset Now = T0 + TimeSpan.FromHours(5);
    private static readonly SessionPolicy Policy = new() { MaxSessionsPerUser = 3 };

    [Theory]
    [InlineData(EndReason.AccountLocked)]
    [InlineData(EndReason.AccountDeleted)]
    public void Apply_EndsEveryActiveSessionWithTheReason_AndRecordsTheClosing(EndReason reason)
    {
        var ledger = WithLogins(Policy, "a", "b").Then(new EndSession("a", EndReason.Logout), Now, Policy);

        var change = ledger.Run(new CloseLedger(reason), Now, Policy);

        Assert.Equal(["b"], change.Outcome.Ended.Select(s => s.Id));
        Assert.Equal(EndReason.Logout, change.Ledger.Get("a").EndReason); // an ended session keeps its reason
        Assert.Equal(reason, change.Ledger.Get("b").EndReason);
        Assert.Equal(reason, change.Ledger.ClosedFor);
        Assert.Equal<LedgerEvent>(
            [
                new LedgerEvent(LedgerEventKind.SessionEnded, "b", 1, reason),
                new LedgerEvent(LedgerEventKind.AccountClosed, "", 0, reason),
            ],
            change.Events);
    }

    [Fact]
    public void Apply_OnAUserWithNoLedgerYet_ClosesItAnyway()
    {
        var change = Empty.Run(new CloseLedger(EndReason.AccountLocked), Now, Policy);

        Assert.True(change.Changed);
        Assert.Empty(change.Outcome.Ended);
        Assert.Equal(EndReason.AccountLocked, change.Ledger.ClosedFor);
    }

    [Fact]
    public void Apply_LockingAgain_ChangesNothing()
    {
        var locked = WithLogins(Policy, "a").Then(new CloseLedger(EndReason.AccountLocked), Now, Policy);

        var change = locked.Run(new CloseLedger(EndReason.AccountLocked), Now, Policy);

        Assert.False(change.Changed);
    }

    [Fact]
    public void Apply_LockingADeletedAccount_LeavesItDeleted()
    {
        var deleted = Empty.Then(new CloseLedger(EndReason.AccountDeleted), Now, Policy);

        var change = deleted.Run(new CloseLedger(EndReason.AccountLocked), Now, Policy);

        Assert.False(change.Changed);
        Assert.Equal(EndReason.AccountDeleted, change.Ledger.ClosedFor);
    }

    [Theory]
    [InlineData(EndReason.Kicked)]
    [InlineData(EndReason.Logout)]
    [InlineData(EndReason.Expired)]
    public void New_WithAReasonThatIsNotAboutTheAccount_Throws(EndReason reason) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new CloseLedger(reason));

    [Theory]
    [InlineData(EndReason.AccountLocked)]
    [InlineData(EndReason.AccountDeleted)]
    public void StartSession_OnAClosedLedger_IsRefusedAsAccountLocked_AndWritesNothing(EndReason reason)
    {
        var closed = WithLogins(Policy, "a").Then(new CloseLedger(reason), Now, Policy);

        var change = closed.Run(Login("new"), Now, Policy);

        Assert.Null(change.Outcome.Session);
        Assert.Equal(ErrorCode.AccountLocked, change.Outcome.Error);
        Assert.False(change.Changed);
    }

    [Fact]
    public void Refresh_OfASessionEndedByTheLock_IsRefusedWithTheReason()
    {
        var locked = WithLogins(Policy, "a").Then(new CloseLedger(EndReason.AccountLocked), Now, Policy);

        var change = locked.Run(Refresh("a", "a-rt1", "a-rt2"), Now, Policy);

        Assert.Equal(ErrorCode.SessionEnded, change.Outcome.Error);
        Assert.Equal(EndReason.AccountLocked, change.Outcome.Session!.EndReason);
        Assert.False(change.Changed);
    }

    [Fact]
    public void Reopen_ALockedLedger_LetsSessionsStartAgain()
    {
        var locked = WithLogins(Policy, "a").Then(new CloseLedger(EndReason.AccountLocked), Now, Policy);

        var change = locked.Run(new ReopenLedger(), Now, Policy);

        Assert.Equal(ReopenStatus.Reopened, change.Outcome);
        Assert.Null(change.Ledger.ClosedFor);
        Assert.Equal<LedgerEvent>([new LedgerEvent(LedgerEventKind.AccountReopened, "", 0)], change.Events);
        Assert.Equal(EndReason.AccountLocked, change.Ledger.Get("a").EndReason); // the ended session stays ended
        Assert.NotNull(change.Ledger.Run(Login("b"), Now, Policy).Outcome.Session);
    }

    [Fact]
    public void Reopen_ADeletedLedger_IsRefusedAndChangesNothing()
    {
        var deleted = Empty.Then(new CloseLedger(EndReason.AccountDeleted), Now, Policy);

        var change = deleted.Run(new ReopenLedger(), Now, Policy);

        Assert.Equal(ReopenStatus.Deleted, change.Outcome);
        Assert.False(change.Changed);
    }

    [Fact]
    public void Reopen_AnOpenLedger_ChangesNothing()
    {
        var change = WithLogins(Policy, "a").Run(new ReopenLedger(), Now, Policy);

        Assert.Equal(ReopenStatus.WasOpen, change.Outcome);
        Assert.False(change.Changed);
    }

    [Fact]
    public void ExpiresAt_OfAClosedLedger_IsNever_SoAPurgeByExpiryKeepsTheLock()
    {
        var locked = WithLogins(Policy, "a").Then(new CloseLedger(EndReason.AccountLocked), Now, Policy);

        Assert.Equal(DateTimeOffset.MaxValue, locked.ExpiresAt(Policy));
        Assert.NotEqual(DateTimeOffset.MaxValue, WithLogins(Policy, "a").ExpiresAt(Policy));
    }

    [Fact]
    public void Serializer_RoundTripsTheClosing_AndLeavesOpenLedgersBytesAsBefore()
    {
        var open = WithLogins(Policy, "a");
        var locked = open.Then(new CloseLedger(EndReason.AccountLocked), Now, Policy);

        var roundTripped = LedgerSerializer.Deserialize(UserId, 2, LedgerSerializer.Serialize(locked));

        Assert.Equal(EndReason.AccountLocked, roundTripped.ClosedFor);
        Assert.Contains("\"closedFor\":\"AccountLocked\"", System.Text.Encoding.UTF8.GetString(LedgerSerializer.Serialize(locked)), StringComparison.Ordinal);
        Assert.DoesNotContain("closedFor", System.Text.Encoding.UTF8.GetString(LedgerSerializer.Serialize(open)), StringComparison.Ordinal);
        Assert.Null(LedgerSerializer.Deserialize(UserId, 1, LedgerSerializer.Serialize(open)).ClosedFor);
    }
}
