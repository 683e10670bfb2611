using Baton.Core.Audit;
using Baton.Core.Engine;
using Baton.Core.Ledgers;
using Baton.Core.Storage;
using Baton.Core.Users;
using Npgsql;

namespace Baton.Storage.Postgres;

/// <summary>
/// Baton's shared store for any number of nodes. The compare-and-swap write and its audit events
/// are one statement, one round trip; a write that ends sessions also appends to the revocation
/// feed and sends its change notice (<c>NOTIFY baton_ledgers, 'user:version'</c>) in the same
/// transaction, while other writes' notices follow the commit in batches (see <see cref="ChangeNotices"/>).
/// Statements are prepared automatically by Npgsql.
/// </summary>
public sealed partial class PostgresStore : ILedgerStore, IUserStore, IAuditLog, IRevocationLog, ISigningKeyStore, IStoreMigrator, IAsyncDisposable, IDisposable
{
    /// <summary>The NOTIFY channel of ledger changes.</summary>
    public const string Channel = "baton_ledgers";

    /// <summary>The NOTIFY channel that says the revocation feed has new entries.</summary>
    public const string RevocationChannel = "baton_revocations";

    // The compare-and-swap statement is assembled from parts: the ledger write ("saved" holds the
    // row when the expected version matched), then the audit rows, then what the caller reads back.
    private const string InsertHead = """
        WITH saved AS (
            INSERT INTO ledgers (user_id, version, document, expires_at) VALUES ($1, $2, $3, $4)
            ON CONFLICT (user_id) DO NOTHING RETURNING user_id)
        """;

    private const string UpdateHead = """
        WITH saved AS (
            UPDATE ledgers SET version = $2, document = $3, expires_at = $4
            WHERE user_id = $1 AND version = $5 RETURNING user_id)
        """;

    private const string AuditRows = """
        , audit AS (
            INSERT INTO audit_events (user_id, kind, session_id, generation, reason, ip, user_agent, node, at)
            SELECT $1, e.kind, e.session_id, e.generation, e.reason, $6, $7, $8, $9
            FROM unnest($10::text[], $11::text[], $12::integer[], $13::text[]) AS e (kind, session_id, generation, reason)
            WHERE EXISTS (SELECT 1 FROM saved))
        """;

    /// <summary>For writes that end sessions: revocation feed rows and the change notice, in the transaction.</summary>
    private const string RevocationsAndNotice = """
        , revoked AS (
            INSERT INTO revocations (user_id, session_id, reason, at)
            SELECT $1, e.session_id, e.reason, $9
            FROM unnest($10::text[], $11::text[], $13::text[]) AS e (kind, session_id, reason)
            WHERE e.kind = 'SessionEnded' AND EXISTS (SELECT 1 FROM saved))
        SELECT pg_notify('baton_ledgers', $1 || ':' || $2) FROM saved
        """;

    /// <summary>For other writes: the notice follows the commit (<see cref="ChangeNotices"/>).</summary>
    private const string Saved = "SELECT 1 FROM saved";

    private readonly NpgsqlDataSource _dataSource;
    private readonly ChangeNotices _notices;
    private readonly long _idleInTransactionTimeout;

    /// <summary>Creates the store on its own connection pool.</summary>
    public PostgresStore(PostgresStoreOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var builder = new NpgsqlDataSourceBuilder(options.ConnectionString);
        var settings = builder.ConnectionStringBuilder;
        settings.CommandTimeout = Math.Max(1, (int)Math.Ceiling(options.CommandTimeout.TotalSeconds));
        settings.Timeout = Math.Max(1, (int)Math.Ceiling(options.ConnectTimeout.TotalSeconds));
        _idleInTransactionTimeout = settings.CommandTimeout * 1000L; // milliseconds
        if (settings.MaxAutoPrepare == 0)
        {
            settings.MaxAutoPrepare = 32; // every statement here is hot; prepared once per physical connection
        }

        // Baton's pooled connections never change session state (no LISTEN, only transaction-scoped
        // SET LOCAL and advisory locks), so the reset Npgsql sends when a connection goes back
        // to the pool (RESET ALL, UNLISTEN *, ... parsed and run on every checkout) is pure cost.
        settings.NoResetOnClose = true;
        // The exclusive write drives its transaction with BEGIN and COMMIT on one connection,
        // which multiplexing (connections shared between commands) does not allow.
        settings.Multiplexing = false;
        settings.ApplicationName ??= "baton";
        ConnectionString = settings.ConnectionString;
        _dataSource = builder.Build();
        _notices = new ChangeNotices(_dataSource);
    }

    /// <summary>The effective connection string (for the change feed's own connection).</summary>
    public string ConnectionString { get; }

    /// <inheritdoc />
    public async Task MigrateAsync(CancellationToken cancellationToken)
    {
        await RunAsync(async connection =>
        {
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await ExecuteAsync(connection, "SELECT pg_advisory_xact_lock($1)", cancellationToken, PostgresMigrations.AdvisoryLockKey).ConfigureAwait(false);
            await ExecuteAsync(connection, "CREATE TABLE IF NOT EXISTS schema_migrations (version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())", cancellationToken).ConfigureAwait(false);
            foreach (var (version, sql) in PostgresMigrations.All)
            {
                await using var check = Command(connection, "SELECT count(*) FROM schema_migrations WHERE version = $1", version);
                if ((long)(await check.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))! == 0)
                {
                    await ExecuteAsync(connection, sql, cancellationToken).ConfigureAwait(false);
                    await ExecuteAsync(connection, "INSERT INTO schema_migrations (version) VALUES ($1)", cancellationToken, version).ConfigureAwait(false);
                }
            }

            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            return true;
        }, retry: true, cancellationToken).ConfigureAwait(false);
        await BackfillSkeletonsAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public Task<Ledger> LoadAsync(string userId, CancellationToken cancellationToken) => RunAsync(async connection =>
    {
        await using var command = Command(connection, "SELECT version, document FROM ledgers WHERE user_id = $1", userId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await ReadLedgerAsync(reader, userId, cancellationToken).ConfigureAwait(false);
    }, retry: true, cancellationToken);

    /// <inheritdoc />
    public Task<bool> TrySaveAsync(LedgerWrite write, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(write);
        var ledger = write.Ledger;
        var events = write.Events.IsDefault ? [] : write.Events;
        // Not retried: a failure after the commit would make the retry lose the race to itself.
        // The engine answers 503 and the client's retry finds the committed state (SECURITY.md 33).
        var endsSessions = events.Any(e => e.Kind == LedgerEventKind.SessionEnded);
        return RunAsync(async connection =>
        {
            if (endsSessions)
            {
                return await SaveEndingSessionsAsync(connection, write, events, cancellationToken).ConfigureAwait(false);
            }

            await using var command = Command(connection, SaveSql(write, endsSessions: false), SaveParameters(write, events));
            bool saved;
            await using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
            {
                saved = await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            }

            if (saved)
            {
                _notices.Publish(ledger.UserId, ledger.Version);
            }

            return saved;
        }, retry: false, cancellationToken);
    }

    /// <summary>
    /// A write that ends sessions appends to the revocation feed under the feed's lock, so feed
    /// cursors follow commit order. Locks are taken in one order everywhere, the user's row and
    /// then the feed's, so this write and <see cref="WriteExclusiveAsync"/> cannot deadlock. One
    /// transaction, sent as one batch: still one round trip.
    /// </summary>
    private static async Task<bool> SaveEndingSessionsAsync(NpgsqlConnection connection, LedgerWrite write, System.Collections.Immutable.ImmutableArray<LedgerEvent> events, CancellationToken cancellationToken)
    {
        await using var batch = new NpgsqlBatch(connection);
        batch.BatchCommands.Add(new NpgsqlBatchCommand("BEGIN"));
        batch.BatchCommands.Add(Parameterized("SELECT 1 FROM ledgers WHERE user_id = $1 AND version = $2 FOR NO KEY UPDATE", write.Ledger.UserId, write.ExpectedVersion));
        batch.BatchCommands.Add(RevocationLock());
        AddSave(batch, write, events, endsSessions: true);
        batch.BatchCommands.Add(new NpgsqlBatchCommand("COMMIT"));
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await reader.NextResultAsync(cancellationToken).ConfigureAwait(false); // past the row lock
        await reader.NextResultAsync(cancellationToken).ConfigureAwait(false); // past the feed lock
        return await ReadSavedAsync(reader, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    /// <remarks>
    /// Two round trips: <c>BEGIN</c> and the load with the user's row locked; then the write and
    /// <c>COMMIT</c> (after the revocation feed's lock when the write ends sessions, the order
    /// <see cref="SaveEndingSessionsAsync"/> takes them in). Only this user's row is held while
    /// <paramref name="decide"/> runs on this node; the feed's lock, which every node's
    /// session-ending writes share, is held only while the final batch runs on the server. A node
    /// that stalls while holding the row loses its session after the command timeout
    /// (<c>idle_in_transaction_session_timeout</c>), which lets the row go.
    /// </remarks>
    public Task<bool> WriteExclusiveAsync(string userId, Func<Ledger, LedgerWrite?> decide, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(userId);
        ArgumentNullException.ThrowIfNull(decide);
        return RunAsync(async connection =>
        {
            var finished = false;
            try
            {
                Ledger ledger;
                await using (var load = new NpgsqlBatch(connection))
                {
                    load.BatchCommands.Add(new NpgsqlBatchCommand("BEGIN"));
                    load.BatchCommands.Add(new NpgsqlBatchCommand($"SET LOCAL idle_in_transaction_session_timeout = {_idleInTransactionTimeout}"));
                    load.BatchCommands.Add(Parameterized("SELECT version, document FROM ledgers WHERE user_id = $1 FOR NO KEY UPDATE", userId));
                    await using var reader = await load.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                    ledger = await ReadLedgerAsync(reader, userId, cancellationToken).ConfigureAwait(false);
                }

                if (decide(ledger) is not { } write)
                {
                    return true; // nothing to write: rolled back below
                }

                var events = write.Events.IsDefault ? [] : write.Events;
                var endsSessions = events.Any(e => e.Kind == LedgerEventKind.SessionEnded);
                bool saved;
                await using (var save = new NpgsqlBatch(connection))
                {
                    if (endsSessions)
                    {
                        save.BatchCommands.Add(RevocationLock());
                    }

                    AddSave(save, write, events, endsSessions);
                    save.BatchCommands.Add(new NpgsqlBatchCommand("COMMIT"));
                    await using var reader = await save.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                    if (endsSessions)
                    {
                        await reader.NextResultAsync(cancellationToken).ConfigureAwait(false); // past the feed lock
                    }

                    saved = await ReadSavedAsync(reader, cancellationToken).ConfigureAwait(false);
                    finished = true;
                }

                if (saved && !endsSessions)
                {
                    _notices.Publish(write.Ledger.UserId, write.Ledger.Version);
                }

                return saved; // unsaved only when an insert missed: another writer created the ledger first
            }
            finally
            {
                if (!finished)
                {
                    await RollBackAsync(connection).ConfigureAwait(false);
                }
            }
        }, retry: false, cancellationToken);
    }

    /// <summary>Ends a transaction this store began by hand; a connection too broken for that is discarded by the pool anyway.</summary>
    private static async Task RollBackAsync(NpgsqlConnection connection)
    {
        try
        {
            await ExecuteAsync(connection, "ROLLBACK", CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception e) when (e is NpgsqlException or InvalidOperationException)
        {
        }
    }

    private static NpgsqlBatchCommand Parameterized(string sql, params object?[] values)
    {
        var command = new NpgsqlBatchCommand(sql);
        foreach (var value in values)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = value ?? DBNull.Value });
        }

        return command;
    }

    private static string SaveSql(LedgerWrite write, bool endsSessions) =>
        (write.ExpectedVersion == 0 ? InsertHead : UpdateHead) + AuditRows + (endsSessions ? RevocationsAndNotice : Saved);

    /// <summary>The save statement, and for a write that ends sessions the feed's notice after it.</summary>
    private static void AddSave(NpgsqlBatch batch, LedgerWrite write, System.Collections.Immutable.ImmutableArray<LedgerEvent> events, bool endsSessions)
    {
        batch.BatchCommands.Add(Parameterized(SaveSql(write, endsSessions), SaveParameters(write, events)));
        if (endsSessions)
        {
            batch.BatchCommands.Add(new NpgsqlBatchCommand($"SELECT pg_notify('{RevocationChannel}', '')"));
        }
    }

    private static NpgsqlBatchCommand RevocationLock() =>
        Parameterized("SELECT pg_advisory_xact_lock($1)", PostgresMigrations.RevocationLockKey);

    /// <summary>Whether the save statement wrote (it returns a row only then), reading past the rest of the batch.</summary>
    private static async Task<bool> ReadSavedAsync(NpgsqlDataReader reader, CancellationToken cancellationToken)
    {
        var saved = await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.NextResultAsync(cancellationToken).ConfigureAwait(false))
        {
        }

        return saved;
    }

    private static async Task<Ledger> ReadLedgerAsync(NpgsqlDataReader reader, string userId, CancellationToken cancellationToken) =>
        await reader.ReadAsync(cancellationToken).ConfigureAwait(false)
            ? LedgerSerializer.Deserialize(userId, reader.GetInt64(0), reader.GetFieldValue<byte[]>(1))
            : Ledger.Empty(userId);

    private static object?[] SaveParameters(LedgerWrite write, System.Collections.Immutable.ImmutableArray<LedgerEvent> events)
    {
        var ledger = write.Ledger;
        return
        [
            ledger.UserId, ledger.Version, LedgerSerializer.Serialize(ledger), StoredExpiry(write.ExpiresAt), write.ExpectedVersion,
            write.Audit.Client.IpAddress, write.Audit.Client.UserAgent, write.Audit.Node, write.Audit.At,
            events.Select(e => e.Kind.ToString()).ToArray(),
            events.Select(e => e.SessionId).ToArray(),
            events.Select(e => e.Generation).ToArray(),
            events.Select(e => e.Reason?.ToString()).ToArray(),
        ];
    }

    /// <summary>
    /// The expiry kept in the indexed <c>expires_at</c> column, rounded up to the hour. A rotation
    /// slides the ledger's expiry forward by seconds; if the column took that exact value every
    /// rotation would change an indexed column and could not be a HOT update (a new heap tuple plus
    /// an entry in every index). Rounded up, it changes about once an hour per user, and a purge
    /// by expiry only ever sees a ledger late, never early.
    /// </summary>
    internal static DateTimeOffset StoredExpiry(DateTimeOffset expiresAt)
    {
        var hour = TimeSpan.TicksPerHour;
        var ticks = expiresAt.UtcTicks;
        var rounded = ticks % hour == 0 || ticks > DateTimeOffset.MaxValue.UtcTicks - hour ? ticks : (ticks / hour + 1) * hour;
        return new DateTimeOffset(rounded, TimeSpan.Zero);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _notices.DisposeAsync().ConfigureAwait(false);
        await _dataSource.DisposeAsync().ConfigureAwait(false);
    }

    /// <inheritdoc />
    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    /// <summary>
    /// Runs one unit of work on a pooled connection, translating outages into
    /// <see cref="StoreUnavailableException"/>. Idempotent work whose connection broke under it is
    /// retried once on a fresh one, because a pooled connection may have died while idle (a
    /// database restart or failover); the pool's other idle connections are dropped with it. Failing to get a connection at all (the server is down, or
    /// the pool stayed exhausted for <see cref="PostgresStoreOptions.ConnectTimeout"/>) is not
    /// retried and leaves the pool alone: waiting again, or dropping the connections that other
    /// requests are about to return, would only make a busy node slower.
    /// </summary>
    private async Task<T> RunAsync<T>(Func<NpgsqlConnection, Task<T>> work, bool retry, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            NpgsqlConnection connection;
            try
            {
                connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (PostgresErrors.IsUnavailable(e) && !cancellationToken.IsCancellationRequested)
            {
                throw PostgresErrors.Unavailable(e);
            }

            await using (connection.ConfigureAwait(false))
            {
                try
                {
                    return await work(connection).ConfigureAwait(false);
                }
                catch (Exception e) when (PostgresErrors.IsUnavailable(e) && !cancellationToken.IsCancellationRequested)
                {
                    // Only a connection that broke says the pool may hold more dead ones; a statement
                    // that timed out on a healthy connection says nothing about the others.
                    if (!retry || attempt == 2 || !PostgresErrors.IsBroken(connection))
                    {
                        throw PostgresErrors.Unavailable(e);
                    }

                    _dataSource.Clear();
                }
            }
        }
    }

    private static NpgsqlCommand Command(NpgsqlConnection connection, string sql, params object?[] parameters)
    {
        var command = new NpgsqlCommand(sql, connection);
        foreach (var value in parameters)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = value ?? DBNull.Value });
        }

        return command;
    }

    private static async Task<int> ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken, params object?[] parameters)
    {
        await using var command = Command(connection, sql, parameters);
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }
}
