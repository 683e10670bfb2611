using Baton.Core.Ledgers;

namespace Baton.Core.Audit;

/// <summary>One audit event as stored: a ledger event with who caused it.</summary>
/// <param name="UserId">Whose ledger changed.</param>
/// <param name="Kind">What happened.</param>
/// <param name="SessionId">The session it happened to.</param>
/// <param name="Generation">The session's refresh generation after the event.</param>
/// <param name="Reason">Why a session ended, for <see cref="LedgerEventKind.SessionEnded"/>.</param>
/// <param name="IpAddress">The client's address.</param>
/// <param name="UserAgent">The client's user agent.</param>
/// <param name="Node">The Baton node that committed the change.</param>
/// <param name="At">When.</param>
public sealed record AuditEntry(
    string UserId,
    LedgerEventKind Kind,
    string SessionId,
    int Generation,
    EndReason? Reason,
    string? IpAddress,
    string? UserAgent,
    string Node,
    DateTimeOffset At);
