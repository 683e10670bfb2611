using Baton.Core;
using Baton.Core.Audit;
using Baton.Core.Ledgers;
using Microsoft.Data.Sqlite;

namespace Baton.Storage.Sqlite;

public sealed partial class SqliteStore
{
    /// <inheritdoc />
    public Task<IReadOnlyList<AuditEntry>> ReadAsync(string userId, int limit, CancellationToken cancellationToken) => RunAsync<IReadOnlyList<AuditEntry>>(connection =>
    {
        using var command = Command(connection,
            "SELECT kind, session_id, generation, reason, ip, user_agent, node, at FROM audit_events WHERE user_id = $u ORDER BY id DESC LIMIT $n",
            ("$u", userId), ("$n", limit));
        using var reader = command.ExecuteReader();
        var entries = new List<AuditEntry>();
        while (reader.Read())
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
                FromMillis(reader.GetInt64(7))));
        }

        return entries;
    }, cancellationToken);

    /// <inheritdoc />
    public Task<PurgeBatch> PurgeAuditEventsAsync(DateTimeOffset before, long after, int batchSize, CancellationToken cancellationToken) =>
        PurgeAsync("audit_events", "id", keepNewest: false, before, after, batchSize, cancellationToken);

    /// <inheritdoc />
    public Task<PurgeBatch> PurgeRevocationsAsync(DateTimeOffset before, long after, int batchSize, CancellationToken cancellationToken) =>
        PurgeAsync("revocations", "cursor", keepNewest: true, before, after, batchSize, cancellationToken);

    /// <summary>One purge batch of <paramref name="table"/> by its key <paramref name="key"/>, in one transaction.</summary>
    private Task<PurgeBatch> PurgeAsync(string table, string key, bool keepNewest, DateTimeOffset before, long after, int batchSize, CancellationToken cancellationToken) =>
        RunAsync(connection =>
        {
            using var transaction = connection.BeginTransaction(deferred: false);
            using var last = Command(connection, $"SELECT max({key}) FROM (SELECT {key} FROM {table} WHERE {key} > $after ORDER BY {key} LIMIT $n)", ("$after", after), ("$n", batchSize));
            if (last.ExecuteScalar() is not long next)
            {
                return new PurgeBatch(0, after);
            }

            var deleted = Execute(connection,
                $"DELETE FROM {table} WHERE {key} > $after AND {key} <= $last AND at < $before" + (keepNewest ? $" AND {key} < (SELECT max({key}) FROM {table})" : ""),
                ("$after", after), ("$last", next), ("$before", before.ToUnixTimeMilliseconds()));
            transaction.Commit();
            return new PurgeBatch(deleted, next);
        }, cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<Revocation>> ReadRevocationsAsync(long after, int limit, CancellationToken cancellationToken) => RunAsync<IReadOnlyList<Revocation>>(connection =>
    {
        using var command = Command(connection, "SELECT cursor, user_id, session_id, reason, at FROM revocations WHERE cursor > $after ORDER BY cursor LIMIT $n", ("$after", after), ("$n", limit));
        using var reader = command.ExecuteReader();
        var entries = new List<Revocation>();
        while (reader.Read())
        {
            entries.Add(new Revocation(reader.GetInt64(0), reader.GetString(1), reader.GetString(2), Enum.Parse<EndReason>(reader.GetString(3)), FromMillis(reader.GetInt64(4))));
        }

        return entries;
    }, cancellationToken);

    /// <inheritdoc />
    public Task<long> RevocationCursorAtAsync(DateTimeOffset since, CancellationToken cancellationToken) =>
        RunAsync(connection => Scalar(connection,
            "SELECT COALESCE((SELECT MIN(cursor) FROM revocations WHERE at >= $since) - 1, (SELECT MAX(cursor) FROM revocations), 0)",
            ("$since", since.ToUnixTimeMilliseconds())) is long cursor ? cursor : 0L, cancellationToken);

    /// <inheritdoc />
    public Task<long> LatestRevocationAsync(CancellationToken cancellationToken) =>
        RunAsync(connection => Scalar(connection, "SELECT COALESCE(MAX(cursor), 0) FROM revocations") is long latest ? latest : 0L, cancellationToken);
}
