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
    public Task<int> PurgeAuditEventsAsync(DateTimeOffset before, int batchSize, CancellationToken cancellationToken) =>
        RunAsync(connection => ExecuteAsync(connection,
            "DELETE FROM audit_events WHERE id IN (SELECT id FROM audit_events ORDER BY id LIMIT $2) AND at < $1",
            cancellationToken, before, batchSize), retry: true, cancellationToken);

    /// <inheritdoc />
    public Task<int> PurgeRevocationsAsync(DateTimeOffset before, int batchSize, CancellationToken cancellationToken) =>
        RunAsync(connection => ExecuteAsync(connection,
            "DELETE FROM revocations WHERE cursor IN (SELECT cursor FROM revocations ORDER BY cursor LIMIT $2) AND at < $1 AND cursor < (SELECT max(cursor) FROM revocations)",
            cancellationToken, before, batchSize), retry: true, cancellationToken);

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
