using System.Collections.Immutable;

namespace Baton.Grains;

/// <summary>The sessions a kick, logout-all, password change, lock or delete ended (empty when none were active).</summary>
/// <param name="Ended">The ended sessions.</param>
[GenerateSerializer]
[Immutable]
[Alias("Baton.EndAllSessionsResult")]
public sealed record EndAllSessionsResult([property: Id(0)] ImmutableArray<SessionDetails> Ended);
