using System.Collections.Immutable;

namespace Baton.Core.Ledgers;

/// <summary>Ends every active session of the user, optionally but one: kick, logout-all, password change.</summary>
/// <param name="Reason">Why; the ended sessions' tokens are refused with this reason.</param>
/// <param name="ExceptSessionId">A session to keep (the one that changed the password), or null.</param>
public sealed record EndAllSessions(EndReason Reason, string? ExceptSessionId = null) : LedgerCommand<EndAllSessionsOutcome>
{
    private protected override EndAllSessionsOutcome Decide(LedgerDraft draft) =>
        new(draft.EndAllActive(Reason, ExceptSessionId));
}

/// <summary>The sessions that <see cref="EndAllSessions"/> ended (empty when none were active).</summary>
public sealed record EndAllSessionsOutcome(ImmutableArray<Session> Ended);
