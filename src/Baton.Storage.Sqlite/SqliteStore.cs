using Baton.Core.Audit;
using Baton.Core.Ledgers;
using Baton.Core.Storage;
using Microsoft.Data.Sqlite;

namespace Baton.Storage.Sqlite;

/// <summary>
/// Baton's embedded default store: one SQLite file in WAL mode, for a single Baton process.
/// It reads the audit log and revocation feed that <see cref="SqliteEventLog"/> appends to, and the
/// accounts and keys of older files for their one import; the grains' state (ledgers, accounts,
/// the key ring) is <see cref="SqliteGrainStorage"/>'s.
/// </summary>
public sealed partial class SqliteStore : IAuditLog, IRevocationLog, IStoreMigrator, IDisposable
{
    private readonly string _connectionString;
    private volatile bool _directoryReady;

    /// <summary>Creates the store; nothing touches the file until the first operation.</summary>
    public SqliteStore(SqliteStoreOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        Path = System.IO.Path.GetFullPath(options.Path);
        _connectionString = ConnectionString(Path, options.BusyTimeout);
        BusyTimeoutMilliseconds = (int)options.BusyTimeout.TotalMilliseconds;
    }

    /// <summary>The connection string of every connection to the file at <paramref name="path"/>.</summary>
    internal static string ConnectionString(string path, TimeSpan busyTimeout) => new SqliteConnectionStringBuilder
    {
        DataSource = path,
        Mode = SqliteOpenMode.ReadWriteCreate,
        Pooling = true,
        // Microsoft.Data.Sqlite retries SQLITE_BUSY until the command timeout (whole seconds).
        DefaultTimeout = Math.Max(1, (int)Math.Ceiling(busyTimeout.TotalSeconds)),
    }.ToString();

    /// <summary>The database file.</summary>
    public string Path { get; }

    private int BusyTimeoutMilliseconds { get; }

    /// <inheritdoc />
    public Task MigrateAsync(CancellationToken cancellationToken) => RunAsync(connection =>
    {
        SqliteMigrations.Apply(connection);
        return true;
    }, cancellationToken);

    /// <inheritdoc />
    public void Dispose() => SqliteConnection.ClearPool(new SqliteConnection(_connectionString));

    /// <summary>Runs one unit of work on a pooled connection, translating the file's failures into <see cref="StoreUnavailableException"/>.</summary>
    private Task<T> RunAsync<T>(Func<SqliteConnection, T> work, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        try
        {
            using var connection = Open();
            return Task.FromResult(work(connection));
        }
        catch (Exception e) when (SqliteErrors.AsUnavailable(e, Path) is { } unavailable)
        {
            throw unavailable;
        }
    }

    private SqliteConnection Open()
    {
        if (!_directoryReady && System.IO.Path.GetDirectoryName(Path) is { Length: > 0 } directory)
        {
            Directory.CreateDirectory(directory);
            _directoryReady = true; // once per store, not a file system call per operation
        }

        var connection = new SqliteConnection(_connectionString);
        try
        {
            connection.Open();
            // Per connection: durable commits, and SQLite's own wait for the write lock.
            Execute(connection, $"PRAGMA synchronous = FULL; PRAGMA busy_timeout = {BusyTimeoutMilliseconds};");
            return connection;
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    internal static SqliteCommand Command(SqliteConnection connection, string sql, params (string Name, object? Value)[] parameters)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        }

        return command;
    }

    internal static int Execute(SqliteConnection connection, string sql, params (string Name, object? Value)[] parameters)
    {
        using var command = Command(connection, sql, parameters);
        return command.ExecuteNonQuery();
    }

    internal static object? Scalar(SqliteConnection connection, string sql, params (string Name, object? Value)[] parameters)
    {
        using var command = Command(connection, sql, parameters);
        return command.ExecuteScalar();
    }

    private static DateTimeOffset FromMillis(long value) => DateTimeOffset.FromUnixTimeMilliseconds(value);
}
