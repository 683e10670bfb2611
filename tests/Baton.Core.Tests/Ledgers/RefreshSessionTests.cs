using Baton.Core.Ledgers;
using static Baton.Core.Tests.Ledgers.LedgerFixture;

namespace Baton.Core.Tests.Ledgers;

public class RefreshSessionTests
{
    private static readonly TimeSpan Grace = TimeSpan.FromSeconds(10);
    private static readonly DateTimeOffset T1 = T0 + TimeSpan.FromHours(1);

    private static readonly SessionPolicy Policy = new();

    /// <summary>Session <c>a</c> logged in at T0 with <c>a-rt1</c>, rotated to <c>a-rt2</c> at T1.</summary>
    private static Ledger RotatedOnce(SessionPolicy policy) =>
        WithLogins(policy, "a").Then(Refresh("a", "a-rt1", "a-rt2"), T1, policy);

    [Fact]
    public void Apply_CurrentJti_RotatesToNewGeneration()
    {
        var ledger = WithLogins(Policy, "a");
        var client = new ClientInfo("198.51.100.4", "app/2.1");

        var change = ledger.Run(new RefreshSession("a", "a-rt1", "a-rt2", client), T1, Policy);

        Assert.Equal(RefreshStatus.Rotated, change.Outcome.Status);
        Assert.Null(change.Outcome.Error);
        var session = change.Outcome.Session!;
        Assert.Equal("a-rt2", session.CurrentJti);
        Assert.Equal("a-rt1", session.PreviousJti);
        Assert.Equal(T1, session.RotatedAt);
        Assert.Equal(2, session.Generation);
        Assert.Equal(T1, session.LastRefreshedAt);
        Assert.Equal(T1 + TimeSpan.FromDays(7), session.IdleExpiresAt);
        Assert.Equal(T0 + TimeSpan.FromDays(30), session.AbsoluteExpiresAt);
        Assert.Equal(T0, session.CreatedAt);
        Assert.Equal(client, session.Client);
        Assert.Equal(ledger.Get("a").Device, session.Device);
        Assert.Null(session.EndedAt);
        Assert.True(change.Changed);
        Assert.Equal<LedgerEvent>([new LedgerEvent(LedgerEventKind.TokenRotated, "a", 2)], change.Events);
        Assert.Equal(session, change.Ledger.Get("a"));
    }

    [Fact]
    public void Apply_SecondRotation_IncrementsGenerationAndForgetsGrandPredecessor()
    {
        var ledger = RotatedOnce(Policy);
        var now = T1 + TimeSpan.FromHours(1);

        var session = ledger.Run(Refresh("a", "a-rt2", "a-rt3"), now, Policy).Outcome.Session!;

        Assert.Equal(3, session.Generation);
        Assert.Equal("a-rt3", session.CurrentJti);
        Assert.Equal("a-rt2", session.PreviousJti);
        Assert.Equal(now, session.RotatedAt);
    }

    [Fact]
    public void Apply_RotationNearAbsoluteExpiry_CapsIdleExpiryAtAbsolute()
    {
        var policy = new SessionPolicy { RefreshIdleLifetime = TimeSpan.FromDays(7), SessionAbsoluteLifetime = TimeSpan.FromDays(10) };
        var ledger = WithLogins(policy, "a");

        var session = ledger.Run(Refresh("a", "a-rt1", "a-rt2"), T0 + TimeSpan.FromDays(5), policy).Outcome.Session!;

        Assert.Equal(T0 + TimeSpan.FromDays(10), session.IdleExpiresAt);
        Assert.Equal(T0 + TimeSpan.FromDays(10), session.RefreshExpiresAt);
    }

    [Fact]
    public void Apply_PredecessorWithinGrace_ReplaysCurrentGenerationUnchanged()
    {
        var ledger = RotatedOnce(Policy);

        var change = ledger.Run(Refresh("a", "a-rt1", "a-rt3"), T1 + TimeSpan.FromSeconds(5), Policy);

        Assert.Equal(RefreshStatus.GraceReplay, change.Outcome.Status);
        Assert.Null(change.Outcome.Error);
        Assert.Equal("a-rt2", change.Outcome.Session!.CurrentJti);
        Assert.Equal(2, change.Outcome.Session.Generation);
        Assert.Equal(ledger.Get("a"), change.Outcome.Session);
        Assert.False(change.Changed);
        Assert.Empty(change.Events);
        Assert.Same(ledger, change.Ledger);
    }

    [Fact]
    public void Apply_PredecessorOneTickBeforeGraceEnds_IsGraceReplay()
    {
        var ledger = RotatedOnce(Policy);

        var change = ledger.Run(Refresh("a", "a-rt1", "a-rt3"), T1 + Grace - TimeSpan.FromTicks(1), Policy);

        Assert.Equal(RefreshStatus.GraceReplay, change.Outcome.Status);
        Assert.False(change.Changed);
    }

    [Fact]
    public void Apply_PredecessorExactlyWhenGraceEnds_IsReuse()
    {
        var ledger = RotatedOnce(Policy);
        var now = T1 + Grace;

        var change = ledger.Run(Refresh("a", "a-rt1", "a-rt3"), now, Policy);

        Assert.Equal(RefreshStatus.ReuseDetected, change.Outcome.Status);
        Assert.Equal(ErrorCode.RefreshTokenReused, change.Outcome.Error);
        Assert.Equal(EndReason.ReuseDetected, change.Ledger.Get("a").EndReason);
        Assert.Equal(now, change.Ledger.Get("a").EndedAt);
    }

    [Fact]
    public void Apply_GraceZeroPredecessorAtRotationInstant_IsReuse()
    {
        var policy = new SessionPolicy { RefreshReuseGrace = TimeSpan.Zero };
        var ledger = RotatedOnce(policy);

        var change = ledger.Run(Refresh("a", "a-rt1", "a-rt3"), T1, policy);

        Assert.Equal(RefreshStatus.ReuseDetected, change.Outcome.Status);
        Assert.Equal(EndReason.ReuseDetected, change.Ledger.Get("a").EndReason);
    }

    [Fact]
    public void Apply_ImmediatePredecessorAfterSecondRotationWithinGrace_ReplaysNewestGeneration()
    {
        var ledger = RotatedOnce(Policy).Then(Refresh("a", "a-rt2", "a-rt3"), T1 + TimeSpan.FromSeconds(1), Policy);

        var change = ledger.Run(Refresh("a", "a-rt2", "a-rt4"), T1 + TimeSpan.FromSeconds(2), Policy);

        Assert.Equal(RefreshStatus.GraceReplay, change.Outcome.Status);
        Assert.Equal("a-rt3", change.Outcome.Session!.CurrentJti);
        Assert.Equal(3, change.Outcome.Session.Generation);
    }

    [Fact]
    public void Apply_GrandPredecessorWithinGrace_EndsSessionForReuse()
    {
        var rotatedAgainAt = T1 + TimeSpan.FromSeconds(1);
        var now = T1 + TimeSpan.FromSeconds(2);
        var ledger = RotatedOnce(Policy).Then(Refresh("a", "a-rt2", "a-rt3"), rotatedAgainAt, Policy);

        var change = ledger.Run(Refresh("a", "a-rt1", "a-rt4"), now, Policy);

        Assert.Equal(RefreshStatus.ReuseDetected, change.Outcome.Status);
        Assert.Equal(ErrorCode.RefreshTokenReused, change.Outcome.Error);
        var ended = change.Ledger.Get("a");
        Assert.Equal(SessionState.Ended, ended.State);
        Assert.Equal(EndReason.ReuseDetected, ended.EndReason);
        Assert.Equal(now, ended.EndedAt);
        Assert.Equal("a-rt3", ended.CurrentJti);
        Assert.Equal(3, ended.Generation);
        Assert.Equal(ended, change.Outcome.Session);
        Assert.True(change.Changed);
        Assert.Equal<LedgerEvent>(
            [
                new LedgerEvent(LedgerEventKind.ReuseDetected, "a", 3),
                new LedgerEvent(LedgerEventKind.SessionEnded, "a", 3, EndReason.ReuseDetected),
            ],
            change.Events);
    }

    [Fact]
    public void Apply_CurrentJtiAfterReuseDetected_IsRefusedWithReuseReason()
    {
        var ledger = RotatedOnce(Policy).Then(Refresh("a", "a-rt1", "a-rt9"), T1 + TimeSpan.FromMinutes(1), Policy);

        var change = ledger.Run(Refresh("a", "a-rt2", "a-rt3"), T1 + TimeSpan.FromMinutes(2), Policy);

        Assert.Equal(RefreshStatus.SessionEnded, change.Outcome.Status);
        Assert.Equal(ErrorCode.SessionEnded, change.Outcome.Error);
        Assert.Equal(EndReason.ReuseDetected, change.Outcome.Session!.EndReason);
        Assert.False(change.Changed);
    }

    [Fact]
    public void Apply_UnknownJti_IsReuse()
    {
        var ledger = RotatedOnce(Policy);

        var change = ledger.Run(Refresh("a", "forged-or-ancient-jti", "a-rt3"), T1 + TimeSpan.FromSeconds(1), Policy);

        Assert.Equal(RefreshStatus.ReuseDetected, change.Outcome.Status);
        Assert.Equal(EndReason.ReuseDetected, change.Ledger.Get("a").EndReason);
    }

    [Fact]
    public void Apply_UnknownJtiBeforeAnyRotation_IsReuse()
    {
        var ledger = WithLogins(Policy, "a");

        var change = ledger.Run(Refresh("a", "never-issued", "a-rt2"), T1, Policy);

        Assert.Equal(RefreshStatus.ReuseDetected, change.Outcome.Status);
        Assert.Equal<LedgerEvent>(
            [
                new LedgerEvent(LedgerEventKind.ReuseDetected, "a", 1),
                new LedgerEvent(LedgerEventKind.SessionEnded, "a", 1, EndReason.ReuseDetected),
            ],
            change.Events);
    }

    [Fact]
    public void Apply_ReuseOfOneSession_LeavesOtherSessionsActive()
    {
        var policy = new SessionPolicy { MaxSessionsPerUser = 2 };
        var ledger = WithLogins(policy, "a", "b");

        var change = ledger.Run(Refresh("a", "stolen", "a-rt2"), T1 + TimeSpan.FromHours(1), policy);

        Assert.Equal(EndReason.ReuseDetected, change.Ledger.Get("a").EndReason);
        Assert.Equal(ledger.Get("b"), change.Ledger.Get("b"));
    }

    [Theory]
    [InlineData(EndReason.Logout)]
    [InlineData(EndReason.Replaced)]
    [InlineData(EndReason.Kicked)]
    [InlineData(EndReason.Revoked)]
    [InlineData(EndReason.ReuseDetected)]
    [InlineData(EndReason.PasswordChanged)]
    [InlineData(EndReason.Expired)]
    public void Apply_EndedSession_RefusesWithItsReasonUnchanged(EndReason reason)
    {
        var ledger = WithLogins(Policy, "a").Then(new EndSession("a", reason), T1, Policy);

        var change = ledger.Run(Refresh("a", "a-rt1", "a-rt2"), T1 + TimeSpan.FromMinutes(1), Policy);

        Assert.Equal(RefreshStatus.SessionEnded, change.Outcome.Status);
        Assert.Equal(ErrorCode.SessionEnded, change.Outcome.Error);
        Assert.Equal(reason, change.Outcome.Session!.EndReason);
        Assert.Equal(T1, change.Outcome.Session.EndedAt);
        Assert.False(change.Changed);
        Assert.Empty(change.Events);
        Assert.Same(ledger, change.Ledger);
    }

    [Fact]
    public void Apply_SessionReplacedByNewLogin_RefusesWithReplaced()
    {
        var ledger = WithLogins(Policy, "a", "b");

        var change = ledger.Run(Refresh("a", "a-rt1", "a-rt2"), T0 + TimeSpan.FromHours(2), Policy);

        Assert.Equal(RefreshStatus.SessionEnded, change.Outcome.Status);
        Assert.Equal(EndReason.Replaced, change.Outcome.Session!.EndReason);
        Assert.False(change.Changed);
    }

    [Fact]
    public void Apply_PredecessorOfEndedSessionWithinGrace_RefusesWithEndReason()
    {
        var ledger = RotatedOnce(Policy).Then(new EndSession("a", EndReason.Logout), T1 + TimeSpan.FromSeconds(1), Policy);

        var change = ledger.Run(Refresh("a", "a-rt1", "a-rt3"), T1 + TimeSpan.FromSeconds(2), Policy);

        Assert.Equal(RefreshStatus.SessionEnded, change.Outcome.Status);
        Assert.Equal(EndReason.Logout, change.Outcome.Session!.EndReason);
    }

    [Fact]
    public void Apply_OneTickBeforeIdleExpiry_Rotates()
    {
        var ledger = WithLogins(Policy, "a");

        var change = ledger.Run(Refresh("a", "a-rt1", "a-rt2"), T0 + TimeSpan.FromDays(7) - TimeSpan.FromTicks(1), Policy);

        Assert.Equal(RefreshStatus.Rotated, change.Outcome.Status);
    }

    [Fact]
    public void Apply_AtIdleExpiry_EndsSessionAsExpired()
    {
        var ledger = WithLogins(Policy, "a");
        var now = T0 + TimeSpan.FromDays(7);

        var change = ledger.Run(Refresh("a", "a-rt1", "a-rt2"), now, Policy);

        Assert.Equal(RefreshStatus.SessionEnded, change.Outcome.Status);
        Assert.Equal(ErrorCode.SessionEnded, change.Outcome.Error);
        Assert.Equal(EndReason.Expired, change.Outcome.Session!.EndReason);
        Assert.True(change.Changed);
        var stored = change.Ledger.Get("a");
        Assert.Equal(EndReason.Expired, stored.EndReason);
        Assert.Equal(now, stored.EndedAt);
        Assert.Equal("a-rt1", stored.CurrentJti);
        Assert.Equal<LedgerEvent>([new LedgerEvent(LedgerEventKind.SessionEnded, "a", 1, EndReason.Expired)], change.Events);
    }

    [Fact]
    public void Apply_PastIdleExpiryOfRotatedSession_EndsSessionAsExpired()
    {
        var ledger = RotatedOnce(Policy);

        var change = ledger.Run(Refresh("a", "a-rt2", "a-rt3"), T1 + TimeSpan.FromDays(8), Policy);

        Assert.Equal(RefreshStatus.SessionEnded, change.Outcome.Status);
        Assert.Equal(EndReason.Expired, change.Ledger.Get("a").EndReason);
    }

    [Fact]
    public void Apply_DailyRefreshesUntilAbsoluteLifetime_ExpiresAtAbsoluteLimit()
    {
        var ledger = WithLogins(Policy, "a");
        var jti = "a-rt1";
        for (var day = 1; day < 30; day++)
        {
            var next = $"a-rt{day + 1}";
            var change = ledger.Run(Refresh("a", jti, next), T0 + TimeSpan.FromDays(day), Policy);
            Assert.Equal(RefreshStatus.Rotated, change.Outcome.Status);
            Assert.Equal(Min(T0 + TimeSpan.FromDays(day + 7), T0 + TimeSpan.FromDays(30)), change.Outcome.Session!.IdleExpiresAt);
            ledger = change.Ledger;
            jti = next;
        }

        var last = ledger.Run(Refresh("a", jti, "a-rt31"), T0 + TimeSpan.FromDays(30), Policy);

        Assert.Equal(30, ledger.Get("a").Generation);
        Assert.Equal(RefreshStatus.SessionEnded, last.Outcome.Status);
        Assert.Equal(EndReason.Expired, last.Outcome.Session!.EndReason);
        Assert.Equal(EndReason.Expired, last.Ledger.Get("a").EndReason);
        Assert.Equal(T0 + TimeSpan.FromDays(30), last.Ledger.Get("a").EndedAt);
    }

    [Fact]
    public void Apply_UnknownSession_ReturnsUnknownSessionWithInvalidToken()
    {
        var ledger = WithLogins(Policy, "a");

        var change = ledger.Run(Refresh("no-such-session", "x-rt1", "x-rt2"), T1, Policy);

        Assert.Equal(RefreshStatus.UnknownSession, change.Outcome.Status);
        Assert.Null(change.Outcome.Session);
        Assert.Equal(ErrorCode.InvalidToken, change.Outcome.Error);
        Assert.False(change.Changed);
        Assert.Empty(change.Events);
        Assert.Same(ledger, change.Ledger);
    }

    [Fact]
    public void Apply_SessionPrunedAfterRetention_ReturnsUnknownSession()
    {
        var ledger = WithLogins(Policy, "a").Then(new EndSession("a", EndReason.Logout), T1, Policy);

        var change = ledger.Run(Refresh("a", "a-rt1", "a-rt2"), T1 + Policy.EndedSessionRetention, Policy);

        Assert.Equal(RefreshStatus.UnknownSession, change.Outcome.Status);
        Assert.Equal(ErrorCode.InvalidToken, change.Outcome.Error);
        Assert.Empty(change.Ledger.Sessions);
    }

    [Theory]
    [InlineData(RefreshStatus.Rotated, null)]
    [InlineData(RefreshStatus.GraceReplay, null)]
    [InlineData(RefreshStatus.ReuseDetected, ErrorCode.RefreshTokenReused)]
    [InlineData(RefreshStatus.SessionEnded, ErrorCode.SessionEnded)]
    [InlineData(RefreshStatus.UnknownSession, ErrorCode.InvalidToken)]
    public void Error_EachStatus_MapsToContractCode(RefreshStatus status, ErrorCode? expected)
    {
        var outcome = new RefreshOutcome(status, null);

        Assert.Equal(expected, outcome.Error);
    }

    [Fact]
    public void Error_EveryStatus_IsCoveredByMappingTheory()
    {
        Assert.Equal(
            [RefreshStatus.Rotated, RefreshStatus.GraceReplay, RefreshStatus.ReuseDetected, RefreshStatus.SessionEnded, RefreshStatus.UnknownSession],
            Enum.GetValues<RefreshStatus>());
    }

    private static DateTimeOffset Min(DateTimeOffset a, DateTimeOffset b) => a < b ? a : b;
}
