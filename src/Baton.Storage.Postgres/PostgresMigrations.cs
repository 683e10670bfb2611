namespace Baton.Storage.Postgres;

/// <summary>The schema, as an ordered list of migrations; a migration, once released, never changes.</summary>
internal static class PostgresMigrations
{
    /// <summary>Held for the migration transaction, so nodes starting together apply each step once.</summary>
    public const long AdvisoryLockKey = 0x4261746F6E; // "Baton"

    /// <summary>Held by every transaction that appends to the revocation feed, until it commits.</summary>
    public const long RevocationLockKey = 0x4261746F6E52; // "BatonR"

    public static readonly IReadOnlyList<(int Version, string Sql)> All =
    [
        (1, """
            CREATE TABLE users (
                id text PRIMARY KEY,
                username text NOT NULL,
                normalized_username text NOT NULL UNIQUE,
                password_hash text,
                roles text[] NOT NULL,
                security_stamp text NOT NULL,
                failed_login_count integer NOT NULL DEFAULT 0,
                locked_until timestamptz,
                created_at timestamptz NOT NULL);

            -- One row per user, rewritten on every change: room on the page keeps updates HOT.
            -- The document is bytea, not jsonb: the database never looks inside it, and bytea
            -- skips jsonb's parse and re-encode on every write. No foreign key to users: trusted
            -- backends start sessions for their own user ids.
            CREATE TABLE ledgers (
                user_id text PRIMARY KEY,
                version bigint NOT NULL,
                document bytea NOT NULL,
                expires_at timestamptz NOT NULL) WITH (fillfactor = 70);
            CREATE INDEX ledgers_expires_at ON ledgers (expires_at);

            CREATE TABLE signing_keys (
                kid text PRIMARY KEY,
                algorithm text NOT NULL,
                purpose text NOT NULL,
                created_at timestamptz NOT NULL,
                activates_at timestamptz NOT NULL,
                retires_at timestamptz,
                private_key bytea NOT NULL);

            CREATE TABLE audit_events (
                id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                user_id text NOT NULL,
                kind text NOT NULL,
                session_id text NOT NULL,
                generation integer NOT NULL,
                reason text,
                ip text,
                user_agent text,
                node text NOT NULL,
                at timestamptz NOT NULL);
            CREATE INDEX audit_events_user ON audit_events (user_id, id);
            """),
        (2, """
            -- The revocation feed. Writers take RevocationLockKey for the rest of their transaction
            -- before drawing a cursor, so cursors are assigned in commit order and a reader that has
            -- seen cursor N never later finds a new entry below N.
            CREATE TABLE revocations (
                cursor bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                user_id text NOT NULL,
                session_id text NOT NULL,
                reason text NOT NULL,
                at timestamptz NOT NULL);
            CREATE INDEX revocations_at ON revocations (at);
            """),
        (3, """
            -- The confusable skeleton of the username (UsernameNormalizer.Skeleton): unique, so no
            -- account can register a look-alike of another. Computed in C#: MigrateAsync fills the
            -- rows left NULL here (the partial index finds them); a later change of the confusables
            -- data sets the column to NULL in a migration of its own, and the same step recomputes it.
            ALTER TABLE users ADD COLUMN username_skeleton text;
            CREATE UNIQUE INDEX users_username_skeleton ON users (username_skeleton);
            CREATE INDEX users_without_skeleton ON users (created_at) WHERE username_skeleton IS NULL;
            """),
    ];
}
