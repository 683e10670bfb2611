namespace Baton.Core.Ledgers;

/// <summary>Ends one session: logout, "sign out that device", admin revoke, RFC 7009 revocation.</summary>
/// <param name="SessionId">The session to end.</param>
/// <param name="Reason">Why; its tokens are refused with this reason from now on.</param>
public sealed record EndSession(string SessionId, EndReason Reason) : LedgerCommand<EndSessionOutcome>
{
    private protected override EndSessionOutcome Decide(LedgerDraft draft)
    {
        var index = draft.IndexOf(SessionId);
        if (index < 0)
        {
            return new EndSessionOutcome(EndStatus.UnknownSession, null);
        }

        var session = draft.Sessions[index];
        return session.State == SessionState.Ended
            ? new EndSessionOutcome(EndStatus.AlreadyEnded, session)
            : new EndSessionOutcome(EndStatus.Ended, draft.End(index, Reason));
    }
}

/// <summary>What ending one session did.</summary>
/// <param name="Status">What happened.</param>
/// <param name="Session">The session as it is now, when the ledger holds it.</param>
public sealed record EndSessionOutcome(EndStatus Status, Session? Session);

/// <summary>The kinds of <see cref="EndSessionOutcome"/>.</summary>
public enum EndStatus
{
    /// <summary>The session was active and has now ended.</summary>
    Ended,
    /// <summary>The session had already ended; nothing changed (ending is idempotent).</summary>
    AlreadyEnded,
    /// <summary>The ledger holds no such session.</summary>
    UnknownSession,
}
