namespace Baton.Core.Audit;

/// <summary>
/// Where grains deliver the events of their committed changes: the audit log and, for ended
/// sessions, the revocation feed. Delivery is at least once, so an append skips every event whose
/// <see cref="LoggedEvent.Id"/> is already in the log. A backend reports its own outages as
/// <see cref="Storage.StoreUnavailableException"/>; the grain keeps the events in its outbox and tries again.
/// </summary>
public interface IEventLog
{
    /// <summary>Appends <paramref name="events"/> in order, in one transaction where the backend has them; repeats are skipped.</summary>
    Task AppendAsync(IReadOnlyList<LoggedEvent> events, CancellationToken cancellationToken);
}
