using Baton.Core.Storage;
using Baton.Core.Tokens;
using Microsoft.Data.Sqlite;

namespace Baton.Storage.Sqlite.Tests;

/// <summary>What is particular to the SQLite file: its schema, its failures, and the old account and key tables' one import.</summary>
public sealed class SqliteStoreTests : IDisposable
{
    private static readonly DateTimeOffset Now = new(2026, 3, 4, 5, 6, 7, TimeSpan.Zero);

    private readonly string _directory = Directory.CreateTempSubdirectory("baton-sqlite-").FullName;

    private string DatabasePath => Path.Combine(_directory, "nested", "baton.db");

    [Fact]
    public async Task Migrate_UsesWriteAheadLog()
    {
        using var store = await OpenAsync(DatabasePath);

        using var connection = new SqliteConnection($"Data Source={DatabasePath}");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode";

        Assert.Equal("wal", command.ExecuteScalar() as string);
    }

    [Fact]
    public async Task ReadLegacy_OlderFile_ReturnsItsAccountsOldestFirstAndItsKeys_ForgetEmptiesThem()
    {
        using var store = await OpenAsync(DatabasePath);
        WriteAsAnOlderBaton(DatabasePath);

        var (users, keys) = await store.ReadLegacyAsync(CancellationToken.None);

        Assert.Equal(["old", "young"], users.Select(u => u.Id));
        Assert.Equal(["member"], users[0].Roles.ToArray());
        Assert.Equal(3, users[0].FailedLoginCount);
        Assert.Equal(Now.AddMinutes(5), users[0].LockedUntil);
        var key = Assert.Single(keys);
        Assert.Equal(("kid-1", SigningAlgorithm.ES256, KeyPurpose.Access, Now.AddHours(1)), (key.Kid, key.Algorithm, key.Purpose, key.RetiresAt));
        Assert.Equal([1, 2, 3], key.PrivateKey);

        await store.ForgetLegacyAsync(CancellationToken.None);
        var (none, noKeys) = await store.ReadLegacyAsync(CancellationToken.None);
        Assert.Empty(none);
        Assert.Empty(noKeys);
    }

    [Fact]
    public async Task Open_PathUnderARegularFile_IsStoreUnavailable()
    {
        var file = Path.Combine(_directory, "not-a-directory");
        await File.WriteAllTextAsync(file, "x");
        using var store = new SqliteStore(new SqliteStoreOptions { Path = Path.Combine(file, "baton.db") });

        await Assert.ThrowsAsync<StoreUnavailableException>(() => store.ReadLegacyAsync(CancellationToken.None));
    }

    [Fact]
    public async Task Write_WhileAnotherWriterHoldsTheLock_IsStoreUnavailableAfterTheTimeout()
    {
        using var store = await OpenAsync(DatabasePath);
        using var blocker = new SqliteConnection($"Data Source={DatabasePath};Pooling=False");
        blocker.Open();
        using var transaction = blocker.BeginTransaction(deferred: false); // BEGIN IMMEDIATE: holds the write lock
        using var slow = new SqliteStore(new SqliteStoreOptions { Path = DatabasePath, BusyTimeout = TimeSpan.FromMilliseconds(200) });

        await Assert.ThrowsAsync<StoreUnavailableException>(() => slow.ForgetLegacyAsync(CancellationToken.None));
    }

    [Fact]
    public async Task Read_NotADatabase_IsStoreUnavailable()
    {
        var path = Path.Combine(_directory, "garbage.db");
        await File.WriteAllBytesAsync(path, Enumerable.Repeat((byte)0x42, 8192).ToArray());
        using var store = new SqliteStore(new SqliteStoreOptions { Path = path });

        await Assert.ThrowsAsync<StoreUnavailableException>(() => store.ReadLegacyAsync(CancellationToken.None));
    }

    [Fact]
    public async Task Migrate_TwiceAndConcurrently_IsHarmless()
    {
        using var store = await OpenAsync(DatabasePath);
        using var other = await OpenAsync(DatabasePath);
        WriteAsAnOlderBaton(DatabasePath);

        await Task.WhenAll(
            Task.Run(() => store.MigrateAsync(CancellationToken.None)),
            Task.Run(() => other.MigrateAsync(CancellationToken.None)),
            Task.Run(() => store.MigrateAsync(CancellationToken.None)));

        Assert.Equal(2, (await other.ReadLegacyAsync(CancellationToken.None)).Users.Count);
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    private static async Task<SqliteStore> OpenAsync(string path)
    {
        var store = new SqliteStore(new SqliteStoreOptions { Path = path });
        await store.MigrateAsync(CancellationToken.None);
        return store;
    }

    /// <summary>Rows as the Baton before the account grains wrote them.</summary>
    private static void WriteAsAnOlderBaton(string path)
    {
        using var connection = new SqliteConnection($"Data Source={path};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = """
            INSERT INTO users (id, username, normalized_username, password_hash, roles, security_stamp, failed_login_count, locked_until, created_at, username_skeleton)
            VALUES ('young', 'bob', 'BOB', 'hash-b', '[]', 's2', 0, NULL, $later, 'BOB'),
                   ('old', 'alice', 'ALICE', 'hash-a', '["member"]', 's1', 3, $locked, $now, 'ALICE');
            INSERT INTO signing_keys (kid, algorithm, purpose, created_at, activates_at, retires_at, private_key)
            VALUES ('kid-1', 'ES256', 'Access', $now, $now, $retires, x'010203');
            """;
        command.Parameters.AddWithValue("$now", Now.ToUnixTimeMilliseconds());
        command.Parameters.AddWithValue("$later", Now.AddDays(1).ToUnixTimeMilliseconds());
        command.Parameters.AddWithValue("$locked", Now.AddMinutes(5).ToUnixTimeMilliseconds());
        command.Parameters.AddWithValue("$retires", Now.AddHours(1).ToUnixTimeMilliseconds());
        command.ExecuteNonQuery();
    }
}
