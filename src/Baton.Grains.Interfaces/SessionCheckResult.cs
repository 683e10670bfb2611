using System.Diagnostics.CodeAnalysis;
using Baton.Core;
using Baton.Core.Ledgers;

namespace Baton.Grains;

/// <summary>The answer to "may tokens of this session be accepted now?" (the message form of <see cref="SessionCheck"/>).</summary>
/// <param name="Error">Null when active; <see cref="ErrorCode.SessionEnded"/> (with <paramref name="Reason"/>) or <see cref="ErrorCode.InvalidToken"/> (unknown session) otherwise.</param>
/// <param name="Reason">Why the session ended; an expired but unswept session says <c>expired</c>.</param>
/// <param name="Session">The session, when the ledger holds it.</param>
[GenerateSerializer]
[Immutable]
[Alias("Baton.SessionCheckResult")]
public sealed record SessionCheckResult(
    [property: Id(0)] ErrorCode? Error,
    [property: Id(1)] EndReason? Reason,
    [property: Id(2)] SessionDetails? Session)
{
    /// <summary>The session is active: its tokens are accepted.</summary>
    [MemberNotNullWhen(true, nameof(Session))]
    public bool IsActive => Error is null && Session is not null;

    /// <summary>The message form of <paramref name="check"/>.</summary>
    public static SessionCheckResult From(SessionCheck check) => new(check.Error, check.Reason, SessionDetails.From(check.Session));
}
