using System.Collections.Immutable;

namespace Baton.Grains;

/// <summary>Every session a user's ledger holds: active ones and recently ended ones with their reason, oldest login first.</summary>
/// <param name="Sessions">The sessions; filter with <see cref="SessionDetails.IsActiveAt"/> for "my devices".</param>
[GenerateSerializer]
[Immutable]
[Alias("Baton.SessionList")]
public sealed record SessionList([property: Id(0)] ImmutableArray<SessionDetails> Sessions);
