namespace Baton.Core.Ledgers;

/// <summary>
/// A refresh: the holder of refresh token <see cref="PresentedJti"/> of session
/// <see cref="SessionId"/> asks for the next generation.
/// <list type="bullet">
/// <item>The current generation rotates to <see cref="NewJti"/> (I2: once, because the write is a compare-and-swap).</item>
/// <item>The immediate predecessor inside <see cref="SessionPolicy.RefreshReuseGrace"/> gets the current generation back without rotating (I3).</item>
/// <item>Anything older, or the predecessor after the grace, ends the session with <see cref="EndReason.ReuseDetected"/> (I4).</item>
/// <item>An ended or expired session refuses with its reason (I5).</item>
/// </list>
/// </summary>
/// <param name="SessionId">The <c>sid</c> of the verified refresh token.</param>
/// <param name="PresentedJti">The <c>jti</c> of the verified refresh token.</param>
/// <param name="NewJti">The <c>jti</c> to rotate to.</param>
/// <param name="Client">Where the refresh came from.</param>
public sealed record RefreshSession(string SessionId, string PresentedJti, string NewJti, ClientInfo Client) : LedgerCommand<RefreshOutcome>
{
    /// <summary>
    /// A known session's no-op (a replay inside the grace, or the refusal of an ended or expired
    /// session) stands: sessions only ever move forward. An unknown session may have started on
    /// another node after the cached copy was read, so that refusal is confirmed on the store.
    /// This keeps a burst of racing tabs on one node to one write and no extra reads.
    /// </summary>
    public override bool TrustsCachedNoOp(Ledger ledger)
    {
        ArgumentNullException.ThrowIfNull(ledger);
        return ledger.Find(SessionId) is not null;
    }

    private protected override RefreshOutcome Decide(LedgerDraft draft)
    {
        var index = draft.IndexOf(SessionId);
        if (index < 0)
        {
            return new RefreshOutcome(RefreshStatus.UnknownSession, null);
        }

        var session = draft.Sessions[index];
        if (session.State == SessionState.Ended)
        {
            return new RefreshOutcome(RefreshStatus.SessionEnded, session);
        }

        if (string.Equals(PresentedJti, session.CurrentJti, StringComparison.Ordinal))
        {
            return new RefreshOutcome(RefreshStatus.Rotated, draft.Rotate(index, NewJti, Client));
        }

        if (string.Equals(PresentedJti, session.PreviousJti, StringComparison.Ordinal) &&
            draft.Now < session.RotatedAt + draft.Policy.RefreshReuseGrace)
        {
            return new RefreshOutcome(RefreshStatus.GraceReplay, session);
        }

        return new RefreshOutcome(RefreshStatus.ReuseDetected, draft.End(index, EndReason.ReuseDetected));
    }
}

/// <summary>What a refresh got.</summary>
/// <param name="Status">What happened.</param>
/// <param name="Session">The session as it is now (rotated, current, or ended), when the ledger holds it.</param>
public sealed record RefreshOutcome(RefreshStatus Status, Session? Session)
{
    /// <summary>Null when the caller gets tokens of <see cref="Session"/>'s current generation; otherwise the refusal.</summary>
    public ErrorCode? Error => Status switch
    {
        RefreshStatus.Rotated or RefreshStatus.GraceReplay => null,
        RefreshStatus.ReuseDetected => ErrorCode.RefreshTokenReused,
        RefreshStatus.SessionEnded => ErrorCode.SessionEnded,
        _ => ErrorCode.InvalidToken,
    };
}

/// <summary>The kinds of <see cref="RefreshOutcome"/>.</summary>
public enum RefreshStatus
{
    /// <summary>The current generation was rotated; the caller gets the new one.</summary>
    Rotated,
    /// <summary>The predecessor came back inside the grace; the caller gets the current generation, nothing rotated.</summary>
    GraceReplay,
    /// <summary>An old generation came back; the session has just ended with <see cref="EndReason.ReuseDetected"/>.</summary>
    ReuseDetected,
    /// <summary>The session had already ended (or expired); <see cref="Session.EndReason"/> says why.</summary>
    SessionEnded,
    /// <summary>The ledger holds no such session.</summary>
    UnknownSession,
}
