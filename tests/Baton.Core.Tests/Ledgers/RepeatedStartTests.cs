using Baton.Core.Ledgers;
using static Baton.Core.Tests.Ledgers.LedgerFixture;

namespace Baton.Core.Tests.Ledgers;

/// <summary>
/// A front retries a login whose answer a dying silo lost (DESIGN.md §8) with the same request, so
/// the same session id: the ledger must answer the session the first attempt started (even if it has
/// ended since), never start it again or a second one in its place.
/// </summary>
public class RepeatedStartTests
{
    private static readonly SessionPolicy Policy = new();

    [Fact]
    public void Apply_SameSessionIdAgain_AnswersTheStartedSessionAndChangesNothing()
    {
        var started = Empty.Then(Login("a"), T0, Policy);

        var again = started.Run(Login("a"), T0 + TimeSpan.FromSeconds(1), Policy);

        Assert.False(again.Changed);
        Assert.Null(again.Outcome.Error);
        Assert.Empty(again.Outcome.Replaced);
        Assert.Equal(started.Get("a"), again.Outcome.Session);
        Assert.Equal(SessionState.Active, Assert.Single(again.Ledger.Sessions).State);
    }

    [Fact]
    public void Apply_SameSessionIdAfterItEnded_AnswersTheEndedSessionAndChangesNothing()
    {
        var ended = Empty.Then(Login("a"), T0, Policy).Then(new EndSession("a", EndReason.Kicked), T0, Policy);

        var again = ended.Run(Login("a"), T0 + TimeSpan.FromSeconds(1), Policy);

        Assert.False(again.Changed);
        Assert.Null(again.Outcome.Error);
        Assert.Equal(EndReason.Kicked, again.Outcome.Session!.EndReason);
        Assert.Equal(SessionState.Ended, Assert.Single(again.Ledger.Sessions).State);
    }

    [Fact]
    public void Apply_SameSessionIdAfterMoreLoginsThanTheEndedCap_AnswersItEndedInsteadOfStartingItAgain()
    {
        // 90 logins at once at a limit of one: the first one's session is replaced 89 times over.
        var policy = new SessionPolicy { MaxSessionsPerUser = 1 };
        var ledger = Empty;
        for (var i = 0; i < 90; i++)
        {
            ledger = ledger.Then(Login($"s{i}"), T0 + TimeSpan.FromMilliseconds(i), policy);
        }

        var repeat = ledger.Run(Login("s0"), T0 + TimeSpan.FromSeconds(2), policy);

        Assert.False(repeat.Changed);
        Assert.Null(repeat.Outcome.Error);
        Assert.Equal(EndReason.Replaced, repeat.Outcome.Session!.EndReason);
        Assert.Equal("s89", Assert.Single(repeat.Ledger.ActiveSessions).Id);
    }

    [Fact]
    public void Apply_AfterTheRepeatWindow_EndedSessionsAreCappedAgain()
    {
        var policy = new SessionPolicy { MaxSessionsPerUser = 1 };
        var ledger = Empty;
        for (var i = 0; i < 40; i++)
        {
            ledger = ledger.Then(Login($"s{i}"), T0, policy);
        }

        var later = ledger.Then(Login("next"), T0 + policy.RepeatedCallWindow + TimeSpan.FromSeconds(1), policy);

        Assert.Equal(39, ledger.Sessions.Count(s => s.State == SessionState.Ended));
        Assert.Equal(policy.MaxEndedSessionsKept, later.Sessions.Count(s => s.State == SessionState.Ended));
    }

    [Fact]
    public void Apply_BurstBeyondTheHardBound_KeepsAtMostMaxEndedSessionsHeld()
    {
        var policy = new SessionPolicy { MaxSessionsPerUser = 1 };
        var ledger = Empty;
        for (var i = 0; i < LedgerLimits.MaxEndedSessionsHeld + 10; i++)
        {
            ledger = ledger.Then(Login($"s{i}"), T0, policy);
        }

        Assert.Equal(LedgerLimits.MaxEndedSessionsHeld, ledger.Sessions.Count(s => s.State == SessionState.Ended));
    }
}
