using System.Collections.Immutable;

namespace Baton.Core.Ledgers;

/// <summary>
/// All session state of one user, in one document: the store's unit of compare-and-swap.
/// A plain value; every change is a <see cref="LedgerCommand{TOutcome}"/> applied to it.
/// </summary>
/// <param name="UserId">The user the ledger belongs to (the store's key).</param>
/// <param name="Version">The committed version this value was read at; 0 for a user with no ledger yet.</param>
/// <param name="Sessions">Active sessions and recently ended ones, oldest login first.</param>
public sealed record Ledger(string UserId, long Version, ImmutableArray<Session> Sessions)
{
    /// <summary>
    /// Set while the account is locked (<see cref="EndReason.AccountLocked"/>) or once it is deleted
    /// (<see cref="EndReason.AccountDeleted"/>): no session starts. Kept in the ledger, not only on
    /// the account, so that a login whose password was checked before the lock cannot start a
    /// session after it, and so that users a trusted backend manages (no account) can be locked too.
    /// </summary>
    public EndReason? ClosedFor { get; init; }

    /// <summary>The ledger of a user who never had a session.</summary>
    public static Ledger Empty(string userId) => new(userId, 0, []);

    /// <summary>The session with this id, active or ended, or null.</summary>
    public Session? Find(string sessionId)
    {
        foreach (var session in Sessions)
        {
            if (string.Equals(session.Id, sessionId, StringComparison.Ordinal))
            {
                return session;
            }
        }

        return null;
    }

    /// <summary>Sessions that have not ended (some may have expired without being swept yet).</summary>
    public IEnumerable<Session> ActiveSessions => Sessions.Where(s => s.State == SessionState.Active);

    /// <summary>
    /// Whether tokens of <paramref name="sessionId"/> are acceptable at <paramref name="now"/>:
    /// the read-only check behind access token validation. An expired but unswept session
    /// counts as ended with <see cref="EndReason.Expired"/>.
    /// </summary>
    public SessionCheck Check(string sessionId, DateTimeOffset now)
    {
        var session = Find(sessionId);
        if (session is null)
        {
            return SessionCheck.Unknown;
        }

        if (session.EndReason is { } reason)
        {
            return SessionCheck.EndedFor(reason, session);
        }

        return session.IsExpiredAt(now) ? SessionCheck.EndedFor(EndReason.Expired, session) : SessionCheck.ActiveSession(session);
    }

    /// <summary>
    /// When the store may forget this ledger's content: the last moment any of its sessions
    /// still matters (an active session's expiry, an ended session's retention).
    /// </summary>
    public DateTimeOffset ExpiresAt(SessionPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        if (ClosedFor is not null)
        {
            return DateTimeOffset.MaxValue; // a lock or a deletion outlives every session
        }

        var latest = DateTimeOffset.MinValue;
        foreach (var session in Sessions)
        {
            var until = session.EndedAt is { } ended ? ended + policy.EndedSessionRetention : session.RefreshExpiresAt;
            if (until > latest)
            {
                latest = until;
            }
        }

        return latest;
    }
}
