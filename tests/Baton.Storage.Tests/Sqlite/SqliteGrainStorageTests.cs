using Baton.Core.Audit;
using Baton.Core.Storage;
using Baton.Storage.Sqlite;
using Baton.Storage.Tests.Contracts;
using Baton.Testing.Sqlite;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Runtime;
using Orleans.Serialization;
using Orleans.Storage;
using Orleans;

namespace Baton.Storage.Tests.Sqlite;

/// <summary>What is particular to SQLite: group commit, the file's faults, and the file outliving the process.</summary>
public sealed class SqliteGrainStorageTests : IDisposable
{
    private const string StateName = "ledger";
    private readonly SqliteTestFiles _files = new();

    [Fact]
    public async Task WriteState_ManyGrainsAtOnce_CommitTogetherInFewTransactions()
    {
        await using var database = await OpenMigratedAsync();
        var storage = SqliteTestFiles.Storage(database);
        var writes = new List<Task>();
        using (HoldWriteLock())
        {
            // While the writer waits for the lock, every other write queues behind it: at most two batches.
            for (var i = 0; i < 100; i++)
            {
                writes.Add(storage.WriteStateAsync(StateName, User(i), new GrainState<TestState>(new TestState { Owner = $"user{i}" })));
            }
        }

        await Task.WhenAll(writes);

        Assert.Equal(100, database.CommittedWrites);
        Assert.InRange(database.Commits, 1, 2);
        Assert.Equal(100, Count("SELECT COUNT(*) FROM grain_state"));
    }

    [Fact]
    public async Task WriteState_StaleETagInABatch_FailsOnlyThatWrite()
    {
        await using var database = await OpenMigratedAsync();
        var storage = SqliteTestFiles.Storage(database);
        var existing = new GrainState<TestState>(new TestState { Owner = "alice" });
        await storage.WriteStateAsync(StateName, User(0), existing);
        var commitsBefore = database.Commits;
        var others = new List<Task>();
        Task stale;
        using (HoldWriteLock())
        {
            for (var i = 1; i <= 10; i++)
            {
                others.Add(storage.WriteStateAsync(StateName, User(i), new GrainState<TestState>(new TestState { Owner = $"user{i}" })));
            }

            // Queued behind at least nine others, so it shares a batch with them.
            stale = storage.WriteStateAsync(StateName, User(0), new GrainState<TestState>(new TestState { Owner = "intruder" }, "stale-etag"));
        }

        await Task.WhenAll(others);
        await Assert.ThrowsAsync<InconsistentStateException>(() => stale);
        Assert.InRange(database.Commits - commitsBefore, 1, 2);
        Assert.Equal(11, Count("SELECT COUNT(*) FROM grain_state"));
        var read = new GrainState<TestState>();
        await storage.ReadStateAsync(StateName, User(0), read);
        Assert.Equal(("alice", existing.ETag), (read.State!.Owner, read.ETag));
    }

    [Fact]
    public async Task WriteState_WhileAnotherProcessHoldsTheLock_IsStoreUnavailable_ThenRecovers()
    {
        await using var database = _files.OpenDatabase(o => o.BusyTimeout = TimeSpan.FromMilliseconds(200));
        await database.MigrateAsync(CancellationToken.None);
        var storage = SqliteTestFiles.Storage(database);
        var state = new GrainState<TestState>(new TestState { Owner = "alice" });

        using (HoldWriteLock())
        {
            await Assert.ThrowsAsync<StoreUnavailableException>(() => storage.WriteStateAsync(StateName, User(0), state));
        }

        Assert.Null(state.ETag);
        await storage.WriteStateAsync(StateName, User(0), state);
        Assert.NotNull(state.ETag);
    }

    [Fact]
    public async Task WriteAndRead_PathUnderARegularFile_IsStoreUnavailable()
    {
        var file = Path.Combine(_files.Directory, "not-a-directory");
        await File.WriteAllTextAsync(file, "x");
        await using var database = _files.OpenDatabase(path: Path.Combine(file, "baton.db"));
        var storage = SqliteTestFiles.Storage(database);

        await Assert.ThrowsAsync<StoreUnavailableException>(() => storage.WriteStateAsync(StateName, User(0), new GrainState<TestState>(new TestState())));
        await Assert.ThrowsAsync<StoreUnavailableException>(() => storage.ReadStateAsync(StateName, User(0), new GrainState<TestState>()));
        await Assert.ThrowsAsync<StoreUnavailableException>(() => new SqliteEventLog(database).AppendAsync([Event("e1")], CancellationToken.None));
    }

    [Fact]
    public async Task ReadState_NotADatabase_IsStoreUnavailable()
    {
        var path = Path.Combine(_files.Directory, "garbage.db");
        await File.WriteAllBytesAsync(path, Enumerable.Repeat((byte)0x42, 8192).ToArray());
        await using var database = _files.OpenDatabase(path: path);

        await Assert.ThrowsAsync<StoreUnavailableException>(() => SqliteTestFiles.Storage(database).ReadStateAsync(StateName, User(0), new GrainState<TestState>()));
    }

    [Fact]
    public async Task State_SurvivesClosingAndReopeningTheFile()
    {
        var state = new GrainState<TestState>(new TestState { Owner = "alice", Generation = 3 });
        await using (var database = _files.OpenDatabase())
        {
            await SqliteTestFiles.Storage(database).WriteStateAsync(StateName, User(0), state);
        }

        SqliteConnection.ClearAllPools();
        await using var reopened = _files.OpenDatabase();
        var storage = SqliteTestFiles.Storage(reopened);
        var read = new GrainState<TestState>();
        await storage.ReadStateAsync(StateName, User(0), read);

        Assert.Equal(("alice", 3, state.ETag), (read.State!.Owner, read.State!.Generation, read.ETag));
        read.State!.Generation = 4;
        await storage.WriteStateAsync(StateName, User(0), read); // the ETag read back still guards the next write
    }

    [Fact]
    public async Task Dispose_CommitsWhatWasQueued_ThenRefusesNewWrites()
    {
        var database = await OpenMigratedAsync();
        var storage = SqliteTestFiles.Storage(database);
        var queued = Enumerable.Range(0, 20)
            .Select(i => storage.WriteStateAsync(StateName, User(i), new GrainState<TestState>(new TestState { Owner = $"user{i}" })))
            .ToList();

        await database.DisposeAsync();

        await Task.WhenAll(queued);
        Assert.Equal(20, Count("SELECT COUNT(*) FROM grain_state"));
        await Assert.ThrowsAsync<ObjectDisposedException>(() => storage.WriteStateAsync(StateName, User(99), new GrainState<TestState>(new TestState())));
    }

    [Fact]
    public async Task WriteState_QueueFull_WaitsForRoom_AndCanBeCancelledWhileWaiting()
    {
        await using var database = _files.OpenDatabase(o => (o.WriteQueueCapacity, o.MaxWriteBatch) = (1, 1));
        await database.MigrateAsync(CancellationToken.None);
        var storage = SqliteTestFiles.Storage(database);
        using var cancellation = new CancellationTokenSource();
        Task first, second, third;
        using (HoldWriteLock())
        {
            // The writer holds at most one write and the queue one more, so the third waits for room.
            first = storage.WriteStateAsync(StateName, User(1), new GrainState<TestState>(new TestState()));
            second = storage.WriteStateAsync(StateName, User(2), new GrainState<TestState>(new TestState()));
            third = storage.WriteStateAsync(StateName, User(3), new GrainState<TestState>(new TestState()), cancellation.Token);
            await cancellation.CancelAsync();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => third);
        }

        await Task.WhenAll(first, second);
        Assert.Equal(2, Count("SELECT COUNT(*) FROM grain_state"));
    }

    [Fact]
    public async Task Migrate_AddsGrainStateAndEventIds_AndOldAuditRowsStayReadable()
    {
        using (var store = new SqliteStore(new SqliteStoreOptions { Path = _files.DatabasePath }))
        {
            await store.MigrateAsync(CancellationToken.None);
        }

        Assert.Equal(4, Count("SELECT MAX(version) FROM schema_migrations"));
        Execute("INSERT INTO audit_events (user_id, kind, session_id, generation, node, at) VALUES ('alice', 'SessionStarted', 's0', 1, 'n', 0), ('alice', 'SessionStarted', 's00', 1, 'n', 0)");
        await using var database = _files.OpenDatabase();

        await new SqliteEventLog(database).AppendAsync([Event("e1")], CancellationToken.None);

        Assert.Equal(1, Count("SELECT COUNT(*) FROM audit_events WHERE event_id = 'e1'"));
        Assert.Equal(2, Count("SELECT COUNT(*) FROM audit_events WHERE event_id IS NULL"));
    }

    [Fact]
    public async Task AddSqliteGrainStorage_RegistersTheNamedProvider_OnTheFileTheEventLogShares()
    {
        var services = new ServiceCollection()
            .AddSerializer()
            .Configure<SqliteStoreOptions>(o => o.Path = _files.DatabasePath)
            .AddSqliteGrainStorage("sessions")
            .AddSqliteEventLog();
        await using var provider = services.BuildServiceProvider();

        var storage = provider.GetRequiredKeyedService<IGrainStorage>("sessions");
        await storage.WriteStateAsync(StateName, User(0), new GrainState<TestState>(new TestState { Owner = "alice" }));
        await provider.GetRequiredService<IEventLog>().AppendAsync([Event("e1")], CancellationToken.None);

        Assert.IsType<SqliteGrainStorage>(storage);
        Assert.Equal(2, provider.GetRequiredService<SqliteDatabase>().CommittedWrites);
        var document = Scalar("SELECT document FROM grain_state") as string;
        Assert.NotNull(document);
        Assert.DoesNotContain("$type", document, StringComparison.Ordinal);
        Assert.Equal(1, Count("SELECT COUNT(*) FROM audit_events"));
    }

    public void Dispose() => _files.Dispose();

    private static GrainId User(int i) => GrainId.Create("usersession", $"user{i}");

    private static LoggedEvent Event(string id) =>
        new(id, "usersession/alice", 1, new AuditEntry("alice", Core.Ledgers.LedgerEventKind.SessionStarted, "s1", 1, null, null, null, "node-a", DateTimeOffset.UnixEpoch));

    private async Task<SqliteDatabase> OpenMigratedAsync()
    {
        var database = _files.OpenDatabase();
        await database.MigrateAsync(CancellationToken.None);
        return database;
    }

    /// <summary>Another process's write transaction (BEGIN IMMEDIATE) until disposed.</summary>
    private HeldWriteLock HoldWriteLock() => new(_files.DatabasePath);

    private long Count(string sql) => (long)Scalar(sql)!;

    private object? Scalar(string sql)
    {
        using var connection = new SqliteConnection($"Data Source={_files.DatabasePath};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteScalar();
    }

    private void Execute(string sql)
    {
        using var connection = new SqliteConnection($"Data Source={_files.DatabasePath};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
