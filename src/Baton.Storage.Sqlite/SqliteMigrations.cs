using Microsoft.Data.Sqlite;

namespace Baton.Storage.Sqlite;

/// <summary>The schema, as an ordered list of migrations; a migration, once released, never changes.</summary>
internal static class SqliteMigrations
{
    public static readonly IReadOnlyList<(int Version, string Sql)> All =
    [
        (1, """
            CREATE TABLE users (
                id TEXT PRIMARY KEY,
                username TEXT NOT NULL,
                normalized_username TEXT NOT NULL UNIQUE,
                password_hash TEXT,
                roles TEXT NOT NULL,
                security_stamp TEXT NOT NULL,
                failed_login_count INTEGER NOT NULL DEFAULT 0,
                locked_until INTEGER,
                created_at INTEGER NOT NULL);

            -- No foreign key to users: trusted backends start sessions for their own user ids.
            CREATE TABLE ledgers (
                user_id TEXT PRIMARY KEY,
                version INTEGER NOT NULL,
                document BLOB NOT NULL,
                expires_at INTEGER NOT NULL);
            CREATE INDEX ledgers_expires_at ON ledgers (expires_at);

            CREATE TABLE signing_keys (
                kid TEXT PRIMARY KEY,
                algorithm TEXT NOT NULL,
                purpose TEXT NOT NULL,
                created_at INTEGER NOT NULL,
                activates_at INTEGER NOT NULL,
                retires_at INTEGER,
                private_key BLOB NOT NULL);

            CREATE TABLE audit_events (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                user_id TEXT NOT NULL,
                kind TEXT NOT NULL,
                session_id TEXT NOT NULL,
                generation INTEGER NOT NULL,
                reason TEXT,
                ip TEXT,
                user_agent TEXT,
                node TEXT NOT NULL,
                at INTEGER NOT NULL);
            CREATE INDEX audit_events_user ON audit_events (user_id, id);
            """),
        (2, """
            -- The revocation feed: written with the ledger change; one writer at a time, so ids are in commit order.
            CREATE TABLE revocations (
                cursor INTEGER PRIMARY KEY AUTOINCREMENT,
                user_id TEXT NOT NULL,
                session_id TEXT NOT NULL,
                reason TEXT NOT NULL,
                at INTEGER NOT NULL);
            CREATE INDEX revocations_at ON revocations (at);
            """),
        (3, """
            -- The confusable skeleton of the username (UsernameNormalizer.Skeleton): unique, so no
            -- account can register a look-alike of another. Computed in C#: MigrateAsync fills the
            -- rows left NULL here (the partial index finds them); a later change of the confusables
            -- data sets the column to NULL in a migration of its own, and the same step recomputes it.
            ALTER TABLE users ADD COLUMN username_skeleton TEXT;
            CREATE UNIQUE INDEX users_username_skeleton ON users (username_skeleton);
            CREATE INDEX users_without_skeleton ON users (created_at) WHERE username_skeleton IS NULL;
            """),
        (4, """
            -- Orleans grain state (SqliteGrainStorage): one JSON document per grain and state name, guarded by its ETag.
            CREATE TABLE grain_state (
                grain_type TEXT NOT NULL,
                grain_key TEXT NOT NULL,
                state_name TEXT NOT NULL,
                etag TEXT NOT NULL,
                document TEXT NOT NULL,
                updated_at INTEGER NOT NULL,
                PRIMARY KEY (grain_type, grain_key, state_name)) WITHOUT ROWID;

            -- The grains' outbox delivers events at least once (SqliteEventLog); the id drops repeats. NULL on older rows.
            ALTER TABLE audit_events ADD COLUMN event_id TEXT;
            CREATE UNIQUE INDEX audit_events_event_id ON audit_events (event_id);
            ALTER TABLE revocations ADD COLUMN event_id TEXT;
            CREATE UNIQUE INDEX revocations_event_id ON revocations (event_id);
            """),
    ];

    /// <summary>Brings the file's schema up to date: WAL mode, then every migration not yet applied, each in its own transaction.</summary>
    public static void Apply(SqliteConnection connection)
    {
        SqliteStore.Execute(connection, "PRAGMA journal_mode = WAL; CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at INTEGER NOT NULL);");
        foreach (var (version, sql) in All)
        {
            // BEGIN IMMEDIATE takes the write lock first, so two processes migrating at once apply each step once.
            using var transaction = connection.BeginTransaction(deferred: false);
            if (SqliteStore.Scalar(connection, "SELECT COUNT(*) FROM schema_migrations WHERE version = $v", ("$v", version)) is 0L)
            {
                SqliteStore.Execute(connection, sql);
                SqliteStore.Execute(connection, "INSERT INTO schema_migrations (version, applied_at) VALUES ($v, $at)", ("$v", version), ("$at", DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()));
            }

            transaction.Commit();
        }
    }
}
