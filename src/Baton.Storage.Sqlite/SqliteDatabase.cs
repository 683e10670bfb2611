using System.Threading.Channels;
using Microsoft.Data.Sqlite;

namespace Baton.Storage.Sqlite;

/// <summary>
/// The embedded default's SQLite file as the grains use it: one writer that commits queued writes
/// in groups, and reads on pooled connections of their own.
/// </summary>
/// <remarks>
/// <para>
/// Durability: WAL mode with <c>synchronous=FULL</c>, so every commit syncs the log to disk before
/// any write in it is answered; a power loss cannot take back an acknowledged write. (With
/// <c>NORMAL</c> a WAL commit survives a crash of the process but not of the machine.) The cost of
/// that sync is shared: writes that queue while one batch commits go into the next batch, one
/// transaction and one sync for all of them (group commit), so throughput grows with concurrency
/// instead of being one sync per write.
/// </para>
/// <para>
/// A failed batch (disk full, file unwritable, lock held past <see cref="SqliteStoreOptions.BusyTimeout"/>)
/// fails every write in it with <see cref="Core.Storage.StoreUnavailableException"/>; an expected
/// outcome of one write (a stale ETag) is that write's own result and does not fail the batch.
/// </para>
/// </remarks>
public sealed class SqliteDatabase : IAsyncDisposable, IDisposable
{
    private readonly string _connectionString;
    private readonly int _busyTimeoutMilliseconds;
    private readonly int _maxBatch;
    private readonly Channel<PendingWrite> _queue;
    private readonly Task _writer;
    private readonly Lock _migrationLock = new();
    private volatile bool _migrated;
    private SqliteConnection? _writeConnection; // the writer loop's alone
    private long _commits;
    private long _committedWrites;

    /// <summary>Creates the database and starts its writer; nothing touches the file until the first operation.</summary>
    public SqliteDatabase(SqliteStoreOptions options, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.WriteQueueCapacity, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxWriteBatch, 1);
        Path = System.IO.Path.GetFullPath(options.Path);
        TimeProvider = timeProvider;
        _connectionString = SqliteStore.ConnectionString(Path, options.BusyTimeout);
        _busyTimeoutMilliseconds = (int)options.BusyTimeout.TotalMilliseconds;
        _maxBatch = options.MaxWriteBatch;
        _queue = Channel.CreateBounded<PendingWrite>(new BoundedChannelOptions(options.WriteQueueCapacity)
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
        _writer = Task.Run(WriteLoopAsync);
    }

    /// <summary>The database file.</summary>
    public string Path { get; }

    /// <summary>Transactions the writer has committed (each one sync to disk).</summary>
    public long Commits => Interlocked.Read(ref _commits);

    /// <summary>Writes those transactions carried; <see cref="CommittedWrites"/> over <see cref="Commits"/> is the mean batch size.</summary>
    public long CommittedWrites => Interlocked.Read(ref _committedWrites);

    internal TimeProvider TimeProvider { get; }

    /// <summary>Brings the schema up to date (also done before the first operation); safe to call from several processes.</summary>
    public Task MigrateAsync(CancellationToken cancellationToken) => ReadAsync(_ => true, cancellationToken);

    /// <summary>Runs <paramref name="read"/> on a pooled connection of its own, translating the file's failures.</summary>
    internal Task<T> ReadAsync<T>(Func<SqliteConnection, T> read, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        try
        {
            using var connection = Open();
            return Task.FromResult(read(connection));
        }
        catch (Exception e) when (SqliteErrors.AsUnavailable(e, Path) is { } unavailable)
        {
            return Task.FromException<T>(unavailable);
        }
    }

    /// <summary>
    /// Queues <paramref name="write"/> for the writer, which runs it inside a batch's transaction;
    /// completes after that transaction committed (or failed). <paramref name="cancellationToken"/>
    /// stops only the wait for room in the queue: once queued, a write's outcome must reach its caller.
    /// </summary>
    internal async Task<T> WriteAsync<T>(Func<SqliteConnection, T> write, CancellationToken cancellationToken)
    {
        var pending = new PendingWrite<T>(write);
        try
        {
            await _queue.Writer.WriteAsync(pending, cancellationToken);
        }
        catch (ChannelClosedException e)
        {
            throw new ObjectDisposedException($"The SQLite database {Path} is closed.", e);
        }

        return await pending.Result;
    }

    private async Task WriteLoopAsync()
    {
        var batch = new List<PendingWrite>(_maxBatch);
        while (await _queue.Reader.WaitToReadAsync())
        {
            while (batch.Count < _maxBatch && _queue.Reader.TryRead(out var pending))
            {
                batch.Add(pending);
            }

            Commit(batch);
            batch.Clear();
        }

        _writeConnection?.Dispose();
    }

    private void Commit(List<PendingWrite> batch)
    {
        try
        {
            var connection = _writeConnection ??= Open();
            using (var transaction = connection.BeginTransaction(deferred: false))
            {
                foreach (var pending in batch)
                {
                    pending.Run(connection);
                }

                transaction.Commit();
            }
        }
        catch (Exception e)
        {
            // The connection may be what broke (an I/O error, a file replaced underneath): the next batch opens a new one.
            _writeConnection?.Dispose();
            _writeConnection = null;
            var failure = SqliteErrors.AsUnavailable(e, Path) ?? e;
            foreach (var pending in batch)
            {
                pending.Fail(failure);
            }

            return;
        }

        Interlocked.Increment(ref _commits);
        Interlocked.Add(ref _committedWrites, batch.Count);
        foreach (var pending in batch)
        {
            pending.Complete();
        }
    }

    private SqliteConnection Open()
    {
        if (System.IO.Path.GetDirectoryName(Path) is { Length: > 0 } directory)
        {
            Directory.CreateDirectory(directory);
        }

        var connection = new SqliteConnection(_connectionString);
        try
        {
            connection.Open();
            SqliteStore.Execute(connection, $"PRAGMA synchronous = FULL; PRAGMA busy_timeout = {_busyTimeoutMilliseconds};");
            if (!_migrated)
            {
                lock (_migrationLock)
                {
                    if (!_migrated)
                    {
                        SqliteMigrations.Apply(connection);
                        _migrated = true;
                    }
                }
            }

            return connection;
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    /// <summary>Stops taking writes, commits those already queued, and closes the file.</summary>
    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _writer;
        SqliteConnection.ClearPool(new SqliteConnection(_connectionString));
    }

    /// <inheritdoc cref="DisposeAsync" />
    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    private abstract class PendingWrite
    {
        public abstract void Run(SqliteConnection connection);

        public abstract void Complete();

        public abstract void Fail(Exception exception);
    }

    private sealed class PendingWrite<T>(Func<SqliteConnection, T> write) : PendingWrite
    {
        private readonly TaskCompletionSource<T> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private T? _value;

        public Task<T> Result => _completion.Task;

        public override void Run(SqliteConnection connection) => _value = write(connection);

        // Answered only after the commit: a result computed inside a transaction that then failed is never seen.
        public override void Complete() => _completion.TrySetResult(_value!);

        public override void Fail(Exception exception) => _completion.TrySetException(exception);
    }
}
