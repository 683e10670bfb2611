namespace Baton.Core.Audit;

/// <summary>
/// One event of a committed ledger change on its way to the event log (DESIGN.md §1.4): it leaves
/// the user's grain through the outbox, so it can arrive more than once, and <see cref="Id"/> is how
/// the log and its consumers drop the repeats.
/// </summary>
/// <param name="Id">Unique and deterministic per event: the same event delivered twice carries the same id.</param>
/// <param name="Entry">The audit entry; an ended session (<see cref="AuditEntry.Reason"/> set on a
/// <see cref="Ledgers.LedgerEventKind.SessionEnded"/> entry) also goes to the revocation feed.</param>
public sealed record LoggedEvent(string Id, AuditEntry Entry);
