using System.Diagnostics.CodeAnalysis;

namespace Baton.Core.Ledgers;

/// <summary>The answer to "may tokens of this session be accepted now?".</summary>
/// <param name="Error">Null when the session is active; otherwise why its tokens are refused.</param>
/// <param name="Reason">Why the session ended, when <paramref name="Error"/> is <see cref="ErrorCode.SessionEnded"/>.</param>
/// <param name="Session">The session, when the ledger still holds it.</param>
public readonly record struct SessionCheck(ErrorCode? Error, EndReason? Reason, Session? Session)
{
    /// <summary>The ledger has no such session (never existed, or ended long enough ago to be pruned).</summary>
    public static SessionCheck Unknown => new(ErrorCode.InvalidToken, null, null);

    /// <summary>The session is active.</summary>
    [MemberNotNullWhen(true, nameof(Session))]
    public bool IsActive => Error is null && Session is not null;

    internal static SessionCheck ActiveSession(Session session) => new(null, null, session);

    internal static SessionCheck EndedFor(EndReason reason, Session session) => new(ErrorCode.SessionEnded, reason, session);
}
