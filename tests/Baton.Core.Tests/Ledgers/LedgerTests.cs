using Baton.Core.Ledgers;
using static Baton.Core.Tests.Ledgers.LedgerFixture;

namespace Baton.Core.Tests.Ledgers;

public class LedgerTests
{
    private static readonly DateTimeOffset T1 = T0 + TimeSpan.FromHours(1);
    private static readonly SessionPolicy Policy = new() { MaxSessionsPerUser = 3 };

    [Fact]
    public void Empty_NewUser_HasVersionZeroAndNoSessions()
    {
        var ledger = Ledger.Empty("u-9");

        Assert.Equal("u-9", ledger.UserId);
        Assert.Equal(0, ledger.Version);
        Assert.Empty(ledger.Sessions);
        Assert.Empty(ledger.ActiveSessions);
    }

    [Fact]
    public void Find_EndedAndActiveSessions_FindsBothByExactId()
    {
        var ledger = WithLogins(Policy, "a", "b").Then(new EndSession("a", EndReason.Logout), T1 + TimeSpan.FromHours(1), Policy);

        Assert.Equal(EndReason.Logout, ledger.Find("a")!.EndReason);
        Assert.Equal(SessionState.Active, ledger.Find("b")!.State);
        Assert.Null(ledger.Find("A"));
        Assert.Null(ledger.Find("c"));
        Assert.Equal(["b"], ledger.ActiveSessions.Select(s => s.Id));
    }

    [Fact]
    public void Check_ActiveSession_IsActive()
    {
        var ledger = WithLogins(Policy, "a");

        var check = ledger.Check("a", T1);

        Assert.True(check.IsActive);
        Assert.Null(check.Error);
        Assert.Null(check.Reason);
        Assert.Equal(ledger.Get("a"), check.Session);
    }

    [Theory]
    [InlineData(EndReason.Logout)]
    [InlineData(EndReason.Replaced)]
    [InlineData(EndReason.Kicked)]
    [InlineData(EndReason.Revoked)]
    [InlineData(EndReason.ReuseDetected)]
    [InlineData(EndReason.PasswordChanged)]
    [InlineData(EndReason.Expired)]
    public void Check_EndedSession_ReturnsSessionEndedWithReason(EndReason reason)
    {
        var ledger = WithLogins(Policy, "a").Then(new EndSession("a", reason), T1, Policy);

        var check = ledger.Check("a", T1 + TimeSpan.FromMinutes(1));

        Assert.False(check.IsActive);
        Assert.Equal(ErrorCode.SessionEnded, check.Error);
        Assert.Equal(reason, check.Reason);
        Assert.Equal(ledger.Get("a"), check.Session);
    }

    [Fact]
    public void Check_OneTickBeforeIdleExpiry_IsActive()
    {
        var ledger = WithLogins(Policy, "a");

        Assert.True(ledger.Check("a", T0 + TimeSpan.FromDays(7) - TimeSpan.FromTicks(1)).IsActive);
    }

    [Fact]
    public void Check_AtIdleExpiryButUnswept_ReturnsExpired()
    {
        var ledger = WithLogins(Policy, "a");

        var check = ledger.Check("a", T0 + TimeSpan.FromDays(7));

        Assert.False(check.IsActive);
        Assert.Equal(ErrorCode.SessionEnded, check.Error);
        Assert.Equal(EndReason.Expired, check.Reason);
        Assert.Equal(ledger.Get("a"), check.Session);
        Assert.Equal(SessionState.Active, ledger.Get("a").State);
    }

    [Fact]
    public void Check_PastAbsoluteExpiryOfRefreshedSession_ReturnsExpired()
    {
        var policy = new SessionPolicy { RefreshIdleLifetime = TimeSpan.FromDays(7), SessionAbsoluteLifetime = TimeSpan.FromDays(10) };
        var ledger = WithLogins(policy, "a").Then(Refresh("a", "a-rt1", "a-rt2"), T0 + TimeSpan.FromDays(6), policy);

        Assert.True(ledger.Check("a", T0 + TimeSpan.FromDays(10) - TimeSpan.FromTicks(1)).IsActive);
        Assert.Equal(EndReason.Expired, ledger.Check("a", T0 + TimeSpan.FromDays(10)).Reason);
    }

    [Fact]
    public void Check_EndedSessionAlsoPastExpiry_ReturnsItsOwnReason()
    {
        var ledger = WithLogins(Policy, "a").Then(new EndSession("a", EndReason.Kicked), T1, Policy);

        var check = ledger.Check("a", T0 + TimeSpan.FromDays(9));

        Assert.Equal(EndReason.Kicked, check.Reason);
    }

    [Fact]
    public void Check_UnknownSession_ReturnsInvalidToken()
    {
        var ledger = WithLogins(Policy, "a");

        var check = ledger.Check("zzz", T1);

        Assert.False(check.IsActive);
        Assert.Equal(ErrorCode.InvalidToken, check.Error);
        Assert.Null(check.Reason);
        Assert.Null(check.Session);
        Assert.Equal(SessionCheck.Unknown, check);
    }

    [Fact]
    public void ExpiresAt_EmptyLedger_IsMinValue()
    {
        Assert.Equal(DateTimeOffset.MinValue, Empty.ExpiresAt(Policy));
    }

    [Fact]
    public void ExpiresAt_ActiveSessions_IsLatestRefreshExpiry()
    {
        var ledger = WithLogins(Policy, "a", "b").Then(Refresh("a", "a-rt1", "a-rt2"), T0 + TimeSpan.FromDays(3), Policy);

        // a slid to day 3 + 7; b still expires 7 days after its login at T0 + 1 h.
        Assert.Equal(T0 + TimeSpan.FromDays(10), ledger.ExpiresAt(Policy));
    }

    [Fact]
    public void ExpiresAt_IdleBeyondAbsolute_IsAbsoluteExpiry()
    {
        var policy = new SessionPolicy { RefreshIdleLifetime = TimeSpan.FromDays(7), SessionAbsoluteLifetime = TimeSpan.FromDays(10) };
        var ledger = WithLogins(policy, "a").Then(Refresh("a", "a-rt1", "a-rt2"), T0 + TimeSpan.FromDays(6), policy);

        Assert.Equal(T0 + TimeSpan.FromDays(10), ledger.ExpiresAt(policy));
    }

    [Fact]
    public void ExpiresAt_EndedSession_IsEndedAtPlusRetention()
    {
        var policy = new SessionPolicy { EndedSessionRetention = TimeSpan.FromHours(6) };
        var ledger = WithLogins(policy, "a").Then(new EndSession("a", EndReason.Logout), T1, policy);

        Assert.Equal(T1 + TimeSpan.FromHours(6), ledger.ExpiresAt(policy));
    }

    [Fact]
    public void ExpiresAt_EndedSessionRetainedLongerThanActiveLives_IsEndedRetention()
    {
        var policy = new SessionPolicy
        {
            MaxSessionsPerUser = 2,
            RefreshIdleLifetime = TimeSpan.FromHours(3),
            EndedSessionRetention = TimeSpan.FromDays(2),
        };
        var ledger = WithLogins(policy, "a", "b").Then(new EndSession("a", EndReason.Logout), T0 + TimeSpan.FromMinutes(90), policy);

        Assert.Equal(T0 + TimeSpan.FromMinutes(90) + TimeSpan.FromDays(2), ledger.ExpiresAt(policy));
    }

    [Fact]
    public void ExpiresAt_NullPolicy_Throws()
    {
        Assert.Throws<ArgumentNullException>(() => Empty.ExpiresAt(null!));
    }
}
