using Baton.Core.Users;
using Microsoft.Data.Sqlite;

namespace Baton.Storage.Sqlite.Tests;

/// <summary>SECURITY.md 46 on a database from before migration 3: it starts, and its accounts get their keys.</summary>
public sealed class SkeletonMigrationTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("baton-sqlite-").FullName;

    private string DatabasePath => Path.Combine(_directory, "baton.db");

    [Fact]
    public async Task Migrate_DatabaseFromBeforeSkeletons_FillsKeys_AndOldLookAlikesStay()
    {
        // The users, audit and feed tables as migrations 1 and 2 made them, with rows written while NFKC did nothing outside ASCII.
        using (var connection = new SqliteConnection($"Data Source={DatabasePath};Pooling=False"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = """
                CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, applied_at INTEGER NOT NULL);
                INSERT INTO schema_migrations VALUES (1, 0), (2, 0);
                CREATE TABLE users (
                    id TEXT PRIMARY KEY, username TEXT NOT NULL, normalized_username TEXT NOT NULL UNIQUE,
                    password_hash TEXT, roles TEXT NOT NULL, security_stamp TEXT NOT NULL,
                    failed_login_count INTEGER NOT NULL DEFAULT 0, locked_until INTEGER, created_at INTEGER NOT NULL);
                CREATE TABLE audit_events (id INTEGER PRIMARY KEY AUTOINCREMENT, user_id TEXT NOT NULL, kind TEXT NOT NULL,
                    session_id TEXT NOT NULL, generation INTEGER NOT NULL, reason TEXT, ip TEXT, user_agent TEXT, node TEXT NOT NULL, at INTEGER NOT NULL);
                CREATE TABLE revocations (cursor INTEGER PRIMARY KEY AUTOINCREMENT, user_id TEXT NOT NULL, session_id TEXT NOT NULL, reason TEXT NOT NULL, at INTEGER NOT NULL);
                INSERT INTO users (id, username, normalized_username, roles, security_stamp, created_at) VALUES
                    ('u1', 'admin', 'ADMIN', '[]', 's', 1),
                    ('u2', 'аdmin', 'АDMIN', '[]', 's', 2),
                    ('u3', 'Jose' || char(769), 'JOSE' || char(769), '[]', 's', 3);
                """;
            command.ExecuteNonQuery();
        }

        using var store = new SqliteStore(new SqliteStoreOptions { Path = DatabasePath });
        await store.MigrateAsync(CancellationToken.None);

        // The decomposed name is found by its real NFKC key now.
        Assert.Equal("u3", (await store.FindByUsernameAsync(UsernameNormalizer.Normalize("Jos\u00E9"), CancellationToken.None))?.Id);
        // The old look-alike still exists, and the older account's skeleton refuses a third.
        Assert.Equal("u2", (await store.FindByIdAsync("u2", CancellationToken.None))?.Id);
        var third = new UserAccount("u4", "adm\u0456n", UsernameNormalizer.Normalize("adm\u0456n"), "hash", [], "s", 0, null, DateTimeOffset.UnixEpoch);
        Assert.False(await store.TryCreateAsync(third, CancellationToken.None));
        Assert.Equal(new string?[] { UsernameNormalizer.Skeleton("admin"), null, UsernameNormalizer.Skeleton("Jos\u00E9") }, Skeletons());

        // Starting again changes nothing.
        await store.MigrateAsync(CancellationToken.None);
        Assert.Equal(new string?[] { UsernameNormalizer.Skeleton("admin"), null, UsernameNormalizer.Skeleton("Jos\u00E9") }, Skeletons());
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    private string?[] Skeletons()
    {
        using var connection = new SqliteConnection($"Data Source={DatabasePath};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT username_skeleton FROM users ORDER BY id";
        using var reader = command.ExecuteReader();
        var skeletons = new List<string?>();
        while (reader.Read())
        {
            skeletons.Add(reader.IsDBNull(0) ? null : reader.GetString(0));
        }

        return [.. skeletons];
    }
}
