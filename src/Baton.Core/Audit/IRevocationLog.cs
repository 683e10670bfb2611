namespace Baton.Core.Audit;

/// <summary>
/// The ordered feed of ended sessions that resource servers follow. Stores append to it in the
/// same transaction as the ledger change that ended the session, and assign cursors in commit
/// order, so a reader that has seen cursor N can never later find a new entry below N.
/// </summary>
public interface IRevocationLog
{
    /// <summary>Up to <paramref name="limit"/> entries after <paramref name="after"/>, oldest first.</summary>
    Task<IReadOnlyList<Revocation>> ReadRevocationsAsync(long after, int limit, CancellationToken cancellationToken);

    /// <summary>The cursor just before the first entry at or after <paramref name="since"/> (where a new follower starts).</summary>
    Task<long> RevocationCursorAtAsync(DateTimeOffset since, CancellationToken cancellationToken);

    /// <summary>The newest cursor, or 0 when the feed is empty.</summary>
    Task<long> LatestRevocationAsync(CancellationToken cancellationToken);

    /// <summary>
    /// One batch of a retention purge, as <see cref="IAuditLog.PurgeAuditEventsAsync"/> (positions
    /// are cursors), except that the newest entry of all is never deleted: it carries the feed's
    /// current cursor, so cursors never appear to go back.
    /// </summary>
    Task<PurgeBatch> PurgeRevocationsAsync(DateTimeOffset before, long after, int batchSize, CancellationToken cancellationToken);
}
