namespace Baton.Core.Ledgers;

/// <summary>
/// A change to one user's ledger, as a pure function of (ledger, now, policy). Applying the same
/// command to the same ledger always gives the same change, so the engine can re-apply it after
/// losing a compare-and-swap race; anything random (new ids) is chosen when the command is made.
/// </summary>
/// <typeparam name="TOutcome">What the caller is told.</typeparam>
public abstract record LedgerCommand<TOutcome>
{
    /// <summary>Computes the next ledger. Never throws for expected outcomes; never reads a clock.</summary>
    public LedgerChange<TOutcome> Apply(Ledger ledger, DateTimeOffset now, SessionPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(ledger);
        ArgumentNullException.ThrowIfNull(policy);
        var draft = new LedgerDraft(ledger, now, policy);
        draft.Housekeep();
        var outcome = Decide(draft);
        return draft.Finish(outcome);
    }

    /// <summary>
    /// Whether a decision to change nothing, taken on <paramref name="ledger"/> read from a node's
    /// cache, may be answered without asking the store. Writes are checked by compare-and-swap;
    /// a no-op is not, so a cached copy that predates another node's change (whose notice is still
    /// on its way) could refuse wrongly. By default every cached no-op is confirmed on the store.
    /// </summary>
    public virtual bool TrustsCachedNoOp(Ledger ledger) => false;

    /// <summary>The command's own rule, on a draft that has already ended expired sessions.</summary>
    private protected abstract TOutcome Decide(LedgerDraft draft);
}
