using Baton.Core.Storage;
using Baton.Core.Users;
using Baton.Testing.Storage;
using Microsoft.Data.Sqlite;

namespace Baton.Storage.Sqlite.Tests;

/// <summary>The store contract on a SQLite file of its own per test, plus what is particular to SQLite.</summary>
public sealed class SqliteStoreTests : StoreContractTests, IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("baton-sqlite-").FullName;

    private string DatabasePath => Path.Combine(_directory, "nested", "baton.db");

    protected override async Task<StoreUnderTest> CreateStoreAsync() => await OpenAsync(DatabasePath);

    [Fact]
    public async Task Migrate_UsesWriteAheadLog()
    {
        await using var store = await CreateStoreAsync();

        using var connection = new SqliteConnection($"Data Source={DatabasePath}");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode";

        Assert.Equal("wal", command.ExecuteScalar() as string);
    }

    [Fact]
    public async Task Data_SurvivesReopeningTheFile()
    {
        await using (var store = await CreateStoreAsync())
        {
            Assert.True(await store.Users.TryCreateAsync(new UserAccount("u1", "alice", "ALICE", "hash", ["member"], "stamp", 0, null, DateTimeOffset.UnixEpoch), CancellationToken.None));
        }

        SqliteConnection.ClearAllPools();
        await using var reopened = await OpenAsync(DatabasePath);

        Assert.Equal("alice", (await reopened.Users.FindByIdAsync("u1", CancellationToken.None))?.Username);
    }

    [Fact]
    public async Task Open_PathUnderARegularFile_IsStoreUnavailable()
    {
        var file = Path.Combine(_directory, "not-a-directory");
        await File.WriteAllTextAsync(file, "x");
        using var store = new SqliteStore(new SqliteStoreOptions { Path = Path.Combine(file, "baton.db") });

        await Assert.ThrowsAsync<StoreUnavailableException>(() => store.FindByIdAsync("u1", CancellationToken.None));
    }

    [Fact]
    public async Task Write_WhileAnotherWriterHoldsTheLock_IsStoreUnavailableAfterTheTimeout()
    {
        await using var store = await CreateStoreAsync();
        using var blocker = new SqliteConnection($"Data Source={DatabasePath};Pooling=False");
        blocker.Open();
        using var transaction = blocker.BeginTransaction(deferred: false); // BEGIN IMMEDIATE: holds the write lock
        using var slow = new SqliteStore(new SqliteStoreOptions { Path = DatabasePath, BusyTimeout = TimeSpan.FromMilliseconds(200) });

        await Assert.ThrowsAsync<StoreUnavailableException>(() => slow.RecordFailedLoginAsync("u1", DateTimeOffset.UnixEpoch, 10, TimeSpan.FromMinutes(1), CancellationToken.None));
    }

    [Fact]
    public async Task Read_NotADatabase_IsStoreUnavailable()
    {
        var path = Path.Combine(_directory, "garbage.db");
        await File.WriteAllBytesAsync(path, Enumerable.Repeat((byte)0x42, 8192).ToArray());
        using var store = new SqliteStore(new SqliteStoreOptions { Path = path });

        await Assert.ThrowsAsync<StoreUnavailableException>(() => store.FindByIdAsync("u1", CancellationToken.None));
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    private static async Task<StoreUnderTest> OpenAsync(string path)
    {
        var store = new SqliteStore(new SqliteStoreOptions { Path = path });
        await store.MigrateAsync(CancellationToken.None);
        return new StoreUnderTest(store, () => OpenAsync(path), () =>
        {
            store.Dispose();
            return ValueTask.CompletedTask;
        });
    }
}
