namespace Baton.Core.Audit;

/// <summary>Reads the audit events that stores write together with each ledger change, and lets old ones go.</summary>
public interface IAuditLog
{
    /// <summary>The user's newest <paramref name="limit"/> audit events, newest first.</summary>
    Task<IReadOnlyList<AuditEntry>> ReadAsync(string userId, int limit, CancellationToken cancellationToken);

    /// <summary>
    /// Deletes those of the oldest <paramref name="batchSize"/> events (in write order) that
    /// happened before <paramref name="before"/>, and returns how many it deleted. Working from the
    /// oldest end keeps each call cheap without an index on time; a retention job calls it until it returns 0.
    /// </summary>
    Task<int> PurgeAuditEventsAsync(DateTimeOffset before, int batchSize, CancellationToken cancellationToken);
}
