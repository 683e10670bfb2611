namespace Baton.Core.Ledgers;

/// <summary>
/// Housekeeping alone: ends expired sessions and forgets ended ones past retention. Every command
/// does this first anyway; this one exists for background sweeps of idle users.
/// </summary>
public sealed record SweepSessions : LedgerCommand<SweepSessionsOutcome>
{
    private protected override SweepSessionsOutcome Decide(LedgerDraft draft) => new(draft.CountActive());
}

/// <summary>What a sweep left.</summary>
/// <param name="ActiveSessions">Active sessions after the sweep.</param>
public sealed record SweepSessionsOutcome(int ActiveSessions);
