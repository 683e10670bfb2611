using Baton.Core;

namespace Baton.Grains;

/// <summary>A user's ledger at a glance: for the login check (closed?) and the admin user view.</summary>
/// <param name="Version">How many changes the ledger has had; 0 for a user Baton has never seen a session of.</param>
/// <param name="ClosedFor"><see cref="EndReason.AccountLocked"/> or <see cref="EndReason.AccountDeleted"/> while no session may start; null when open.</param>
/// <param name="ActiveSessions">Sessions that can be refreshed now (expired but unswept ones not counted).</param>
[GenerateSerializer]
[Immutable]
[Alias("Baton.LedgerSummary")]
public sealed record LedgerSummary(
    [property: Id(0)] long Version,
    [property: Id(1)] EndReason? ClosedFor,
    [property: Id(2)] int ActiveSessions);
