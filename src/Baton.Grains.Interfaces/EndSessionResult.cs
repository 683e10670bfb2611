using Baton.Core.Ledgers;

namespace Baton.Grains;

/// <summary>What ending one session did.</summary>
/// <param name="Status">Ended now, already ended, or unknown.</param>
/// <param name="Session">The session as it is now, when the ledger holds it.</param>
[GenerateSerializer]
[Immutable]
[Alias("Baton.EndSessionResult")]
public sealed record EndSessionResult(
    [property: Id(0)] EndStatus Status,
    [property: Id(1)] SessionDetails? Session);
