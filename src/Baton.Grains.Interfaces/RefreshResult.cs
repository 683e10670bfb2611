using System.Diagnostics.CodeAnalysis;
using Baton.Core;
using Baton.Core.Ledgers;

namespace Baton.Grains;

/// <summary>What a refresh got: tokens of <see cref="Session"/>'s current generation, or a clean refusal.</summary>
/// <param name="Status">What happened (rotated, replayed inside the grace, reuse, ended, unknown).</param>
/// <param name="Session">The session as it is now, when the ledger holds it.</param>
/// <param name="Error">Null when the caller gets tokens; otherwise the refusal's code.</param>
/// <param name="EndReason">Why the session ended, for a refusal of an ended session (<c>reuse_detected</c> on reuse).</param>
[GenerateSerializer]
[Immutable]
[Alias("Baton.RefreshResult")]
public sealed record RefreshResult(
    [property: Id(0)] RefreshStatus Status,
    [property: Id(1)] SessionDetails? Session,
    [property: Id(2)] ErrorCode? Error,
    [property: Id(3)] EndReason? EndReason)
{
    /// <summary>The caller mints tokens of <see cref="Session"/>'s current generation (<see cref="SessionDetails.CurrentJti"/>).</summary>
    [MemberNotNullWhen(true, nameof(Session))]
    public bool Succeeded => Error is null && Session is not null;
}
