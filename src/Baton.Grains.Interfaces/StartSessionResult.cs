using System.Collections.Immutable;
using System.Diagnostics.CodeAnalysis;
using Baton.Core;

namespace Baton.Grains;

/// <summary>What a login got.</summary>
/// <param name="Session">The new session (mint its tokens), or null when refused.</param>
/// <param name="Replaced">Sessions the login ended to make room (reason <c>replaced</c>).</param>
/// <param name="Error">Why the login was refused (<see cref="ErrorCode.SessionLimitReached"/>, <see cref="ErrorCode.AccountLocked"/>); null on success.</param>
[GenerateSerializer]
[Immutable]
[Alias("Baton.StartSessionResult")]
public sealed record StartSessionResult(
    [property: Id(0)] SessionDetails? Session,
    [property: Id(1)] ImmutableArray<SessionDetails> Replaced,
    [property: Id(2)] ErrorCode? Error)
{
    /// <summary>A session started.</summary>
    [MemberNotNullWhen(true, nameof(Session))]
    public bool Succeeded => Session is not null;
}
