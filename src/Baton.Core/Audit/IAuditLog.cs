namespace Baton.Core.Audit;

/// <summary>Reads the audit events that stores write together with each ledger change, and lets old ones go.</summary>
public interface IAuditLog
{
    /// <summary>The user's newest <paramref name="limit"/> audit events, newest first.</summary>
    Task<IReadOnlyList<AuditEntry>> ReadAsync(string userId, int limit, CancellationToken cancellationToken);

    /// <summary>
    /// One batch of a retention purge: of the <paramref name="batchSize"/> events written next
    /// after position <paramref name="after"/> (0 at the start), deletes those that happened before
    /// <paramref name="before"/>. Events are taken in write order, which follows time, so a purge
    /// needs no index on time: it goes on from <see cref="PurgeBatch.Next"/> until a batch deletes nothing.
    /// </summary>
    Task<PurgeBatch> PurgeAuditEventsAsync(DateTimeOffset before, long after, int batchSize, CancellationToken cancellationToken);
}
