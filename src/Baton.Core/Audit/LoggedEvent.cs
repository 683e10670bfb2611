namespace Baton.Core.Audit;

/// <summary>
/// One event of a committed ledger change on its way to the event log (DESIGN.md §1.4): it leaves
/// the user's grain through the outbox, so it can arrive more than once, and <see cref="Id"/> is how
/// the log and its consumers drop the repeats.
/// </summary>
/// <param name="Id">Unique and deterministic per event: the same event delivered twice carries the same id.</param>
/// <param name="Producer">
/// The outbox that delivers the event: the id of the grain whose state holds it (for example
/// <c>usersession/alice</c>). Each producer numbers its events with <paramref name="Sequence"/>.
/// </param>
/// <param name="Sequence">
/// The event's place in its producer's history (<see cref="SequenceOf"/>): it grows with every change
/// the producer commits. An outbox delivers its events in this order, and an event is only ever
/// delivered again after everything before it, so a log may drop every event of a producer at or
/// below the highest sequence it holds for it (one number per producer, instead of every id for as
/// long as a repeat may come). 0 for events stored before sequences existed.
/// </param>
/// <param name="Entry">The audit entry; an ended session (<see cref="AuditEntry.Reason"/> set on a
/// <see cref="Ledgers.LedgerEventKind.SessionEnded"/> entry) also goes to the revocation feed.</param>
public sealed record LoggedEvent(string Id, string Producer, long Sequence, AuditEntry Entry)
{
    /// <summary>Events one change may hold: more than a ledger can end at once.</summary>
    public const int MaxEventsPerChange = 1 << 16;

    /// <summary>The sequence of the <paramref name="index"/>-th event of the change that made ledger version <paramref name="version"/>.</summary>
    public static long SequenceOf(long version, int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(version);
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, MaxEventsPerChange);
        return (version * MaxEventsPerChange) + index;
    }
}
