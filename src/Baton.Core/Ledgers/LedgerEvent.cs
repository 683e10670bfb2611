namespace Baton.Core.Ledgers;

/// <summary>What a transition did, for the audit log and metrics; committed with the ledger change.</summary>
/// <param name="Kind">What happened.</param>
/// <param name="SessionId">The session it happened to; empty for the account events.</param>
/// <param name="Generation">The session's refresh generation after the event; 0 for the account events.</param>
/// <param name="Reason">For <see cref="LedgerEventKind.SessionEnded"/> and <see cref="LedgerEventKind.AccountClosed"/>, why.</param>
public sealed record LedgerEvent(LedgerEventKind Kind, string SessionId, int Generation, EndReason? Reason = null);

/// <summary>The kinds of <see cref="LedgerEvent"/>.</summary>
public enum LedgerEventKind
{
    /// <summary>A login started a session.</summary>
    SessionStarted,
    /// <summary>A refresh rotated the session's refresh token.</summary>
    TokenRotated,
    /// <summary>A rotated refresh token was presented again (the session ends in the same change).</summary>
    ReuseDetected,
    /// <summary>The session ended; <see cref="LedgerEvent.Reason"/> says why.</summary>
    SessionEnded,
    /// <summary>The account was locked or deleted (<see cref="LedgerEvent.Reason"/>): no session starts.</summary>
    AccountClosed,
    /// <summary>A locked account was unlocked.</summary>
    AccountReopened,
    /// <summary>A session was started by a sign-in through an external provider.</summary>
    ExternalSignIn,
    /// <summary>An external identity was linked to the account.</summary>
    IdentityLinked,
    /// <summary>An external identity was unlinked from the account.</summary>
    IdentityUnlinked,
}
