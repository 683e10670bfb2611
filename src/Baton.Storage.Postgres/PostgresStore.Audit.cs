using Baton.Core;
using Baton.Core.Audit;
using Baton.Core.Ledgers;

namespace Baton.Storage.Postgres;

public sealed partial class PostgresStore
{
    /// <inheritdoc />
    public Task<IReadOnlyList<AuditEntry>> ReadAsync(string userId, int limit, CancellationToken cancellationToken) => RunAsync<IReadOnlyList<AuditEntry>>(async connection =>
    {
        await using var command = Command(connection,
            "SELECT kind, session_id, generation, reason, ip, user_agent, node, at FROM audit_events WHERE user_id = $1 ORDER BY id DESC LIMIT $2",
            userId, limit);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var entries = new List<AuditEntry>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            entries.Add(new AuditEntry(
                userId,
                Enum.Parse<LedgerEventKind>(reader.GetString(0)),
                reader.GetString(1),
                reader.GetInt32(2),
                reader.IsDBNull(3) ? null : Enum.Parse<EndReason>(reader.GetString(3)),
                reader.IsDBNull(4) ? null : reader.GetString(4),
                reader.IsDBNull(5) ? null : reader.GetString(5),
                reader.GetString(6),
                reader.GetFieldValue<DateTimeOffset>(7)));
        }

        return entries;
    }, retry: true, cancellationToken);

    /// <inheritdoc />
    public Task<PurgeBatch> PurgeAuditEventsAsync(DateTimeOffset before, long after, int batchSize, CancellationToken cancellationToken) =>
        PurgeAsync("""
            WITH batch AS (SELECT id, at FROM audit_events WHERE id > $2 ORDER BY id LIMIT $3),
                 gone AS (DELETE FROM audit_events WHERE id IN (SELECT id FROM batch WHERE at < $1) RETURNING 1)
            SELECT (SELECT count(*) FROM gone)::integer, (SELECT max(id) FROM batch)
            """, before, after, batchSize, cancellationToken);

    /// <inheritdoc />
    public Task<PurgeBatch> PurgeRevocationsAsync(DateTimeOffset before, long after, int batchSize, CancellationToken cancellationToken) =>
        PurgeAsync("""
            WITH batch AS (SELECT cursor, at FROM revocations WHERE cursor > $2 ORDER BY cursor LIMIT $3),
                 gone AS (DELETE FROM revocations WHERE cursor IN (
                     SELECT cursor FROM batch WHERE at < $1 AND cursor < (SELECT max(cursor) FROM revocations)) RETURNING 1)
            SELECT (SELECT count(*) FROM gone)::integer, (SELECT max(cursor) FROM batch)
            """, before, after, batchSize, cancellationToken);

    private Task<PurgeBatch> PurgeAsync(string sql, DateTimeOffset before, long after, int batchSize, CancellationToken cancellationToken) => RunAsync(async connection =>
    {
        await using var command = Command(connection, sql, before, after, batchSize);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        return new PurgeBatch(reader.GetInt32(0), reader.IsDBNull(1) ? after : reader.GetInt64(1));
    }, retry: true, cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<Revocation>> ReadRevocationsAsync(long after, int limit, CancellationToken cancellationToken) => RunAsync<IReadOnlyList<Revocation>>(async connection =>
    {
        await using var command = Command(connection, "SELECT cursor, user_id, session_id, reason, at FROM revocations WHERE cursor > $1 ORDER BY cursor LIMIT $2", after, limit);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var entries = new List<Revocation>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            entries.Add(new Revocation(reader.GetInt64(0), reader.GetString(1), reader.GetString(2), Enum.Parse<EndReason>(reader.GetString(3)), reader.GetFieldValue<DateTimeOffset>(4)));
        }

        return entries;
    }, retry: true, cancellationToken);

    /// <inheritdoc />
    public Task<long> RevocationCursorAtAsync(DateTimeOffset since, CancellationToken cancellationToken) => RunAsync(async connection =>
    {
        await using var command = Command(connection,
            "SELECT COALESCE((SELECT min(cursor) FROM revocations WHERE at >= $1) - 1, (SELECT max(cursor) FROM revocations), 0)", since);
        return (long)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
    }, retry: true, cancellationToken);

    /// <inheritdoc />
    public Task<long> LatestRevocationAsync(CancellationToken cancellationToken) => RunAsync(async connection =>
    {
        await using var command = Command(connection, "SELECT COALESCE(max(cursor), 0) FROM revocations");
        return (long)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
    }, retry: true, cancellationToken);
}
