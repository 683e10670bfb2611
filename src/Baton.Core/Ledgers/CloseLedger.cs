namespace Baton.Core.Ledgers;

/// <summary>
/// Locks or deletes the account as far as sessions go: ends every active session with
/// <see cref="Reason"/> and refuses new ones (<see cref="Ledger.ClosedFor"/>). A deletion is final;
/// locking a deleted account leaves it deleted.
/// </summary>
/// <param name="Reason"><see cref="EndReason.AccountLocked"/> or <see cref="EndReason.AccountDeleted"/>.</param>
public sealed record CloseLedger(EndReason Reason) : LedgerCommand<EndAllSessionsOutcome>
{
    /// <summary>The reason, checked: only the two account reasons close a ledger.</summary>
    public EndReason Reason { get; } = Reason is EndReason.AccountLocked or EndReason.AccountDeleted
        ? Reason
        : throw new ArgumentOutOfRangeException(nameof(Reason), Reason, "A ledger closes only for AccountLocked or AccountDeleted.");

    private protected override EndAllSessionsOutcome Decide(LedgerDraft draft)
    {
        var reason = draft.ClosedFor == EndReason.AccountDeleted ? EndReason.AccountDeleted : Reason;
        var ended = draft.EndAllActive(reason);
        if (draft.ClosedFor != reason)
        {
            draft.SetClosedFor(reason);
        }

        return new EndAllSessionsOutcome(ended);
    }
}

/// <summary>Unlocks a locked account: sessions may start again. A deleted account stays closed.</summary>
public sealed record ReopenLedger : LedgerCommand<ReopenStatus>
{
    private protected override ReopenStatus Decide(LedgerDraft draft)
    {
        switch (draft.ClosedFor)
        {
            case EndReason.AccountLocked:
                draft.SetClosedFor(null);
                return ReopenStatus.Reopened;
            case EndReason.AccountDeleted:
                return ReopenStatus.Deleted;
            default:
                return ReopenStatus.WasOpen;
        }
    }
}

/// <summary>What <see cref="ReopenLedger"/> found.</summary>
public enum ReopenStatus
{
    /// <summary>The account was locked and is now unlocked.</summary>
    Reopened,
    /// <summary>The account was not locked; nothing changed.</summary>
    WasOpen,
    /// <summary>The account is deleted, which is final; nothing changed.</summary>
    Deleted,
}
