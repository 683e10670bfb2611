using System.Collections.Immutable;

namespace Baton.Core.Ledgers;

/// <summary>The result of applying a command: the next ledger, the caller's outcome, and the events to audit.</summary>
/// <typeparam name="TOutcome">The command's outcome type.</typeparam>
/// <param name="Ledger">The ledger after the command; the same instance as the input when nothing changed.</param>
/// <param name="Outcome">What the caller is told.</param>
/// <param name="Events">What happened, committed with the change.</param>
/// <param name="Changed">Whether <paramref name="Ledger"/> must be written back.</param>
public sealed record LedgerChange<TOutcome>(Ledger Ledger, TOutcome Outcome, ImmutableArray<LedgerEvent> Events, bool Changed);
