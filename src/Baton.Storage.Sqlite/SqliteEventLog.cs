using Baton.Core.Audit;
using Baton.Core.Ledgers;

namespace Baton.Storage.Sqlite;

/// <summary>
/// The grains' event log in the embedded default's SQLite file: audit entries to <c>audit_events</c>,
/// ended sessions also to <c>revocations</c>, the tables <see cref="SqliteStore"/> reads the audit
/// log and the revocation feed from. One append is one transaction of <see cref="SqliteDatabase"/>'s
/// writer, so its events get ids and cursors in order and nothing of a failed append is kept.
/// </summary>
public sealed class SqliteEventLog : IEventLog
{
    private readonly SqliteDatabase _database;

    /// <summary>Creates the log over <paramref name="database"/>.</summary>
    public SqliteEventLog(SqliteDatabase database)
    {
        ArgumentNullException.ThrowIfNull(database);
        _database = database;
    }

    /// <inheritdoc />
    public Task AppendAsync(IReadOnlyList<LoggedEvent> events, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(events);
        if (events.Count == 0)
        {
            return Task.CompletedTask;
        }

        return _database.WriteAsync(connection =>
        {
            using var audit = SqliteStore.Command(connection,
                "INSERT INTO audit_events (event_id, user_id, kind, session_id, generation, reason, ip, user_agent, node, at) VALUES ($id, $u, $k, $s, $g, $r, $ip, $ua, $n, $at) ON CONFLICT (event_id) DO NOTHING",
                ("$id", null), ("$u", null), ("$k", null), ("$s", null), ("$g", null), ("$r", null), ("$ip", null), ("$ua", null), ("$n", null), ("$at", null));
            using var revocation = SqliteStore.Command(connection,
                "INSERT INTO revocations (event_id, user_id, session_id, reason, at) VALUES ($id, $u, $s, $r, $at) ON CONFLICT (event_id) DO NOTHING",
                ("$id", null), ("$u", null), ("$s", null), ("$r", null), ("$at", null));
            foreach (var (id, _, _, e) in events)
            {
                audit.Parameters["$id"].Value = id;
                audit.Parameters["$u"].Value = e.UserId;
                audit.Parameters["$k"].Value = e.Kind.ToString();
                audit.Parameters["$s"].Value = e.SessionId;
                audit.Parameters["$g"].Value = e.Generation;
                audit.Parameters["$r"].Value = (object?)e.Reason?.ToString() ?? DBNull.Value;
                audit.Parameters["$ip"].Value = (object?)e.IpAddress ?? DBNull.Value;
                audit.Parameters["$ua"].Value = (object?)e.UserAgent ?? DBNull.Value;
                audit.Parameters["$n"].Value = e.Node;
                audit.Parameters["$at"].Value = e.At.ToUnixTimeMilliseconds();

                // A repeat (its audit row is there) is skipped whole: its revocation, if any, went in with the first delivery.
                if (audit.ExecuteNonQuery() == 1 && e is { Kind: LedgerEventKind.SessionEnded, Reason: { } reason })
                {
                    revocation.Parameters["$id"].Value = id;
                    revocation.Parameters["$u"].Value = e.UserId;
                    revocation.Parameters["$s"].Value = e.SessionId;
                    revocation.Parameters["$r"].Value = reason.ToString();
                    revocation.Parameters["$at"].Value = e.At.ToUnixTimeMilliseconds();
                    revocation.ExecuteNonQuery();
                }
            }

            return true;
        }, cancellationToken);
    }
}
