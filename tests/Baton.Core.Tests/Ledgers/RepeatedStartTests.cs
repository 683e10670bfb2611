using Baton.Core.Ledgers;
using static Baton.Core.Tests.Ledgers.LedgerFixture;

namespace Baton.Core.Tests.Ledgers;

/// <summary>
/// A front retries a login whose answer a dying silo lost (DESIGN.md §8) with the same request, so
/// the same session id: the ledger must answer the session the first attempt started, not start a
/// second one in its place.
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
    public void Apply_SameSessionIdAfterItEnded_RefusesWithSessionEnded()
    {
        var ended = Empty.Then(Login("a"), T0, Policy).Then(new EndSession("a", EndReason.Kicked), T0, Policy);

        var again = ended.Run(Login("a"), T0 + TimeSpan.FromSeconds(1), Policy);

        Assert.False(again.Changed);
        Assert.Null(again.Outcome.Session);
        Assert.Equal(ErrorCode.SessionEnded, again.Outcome.Error);
    }
}
