using Microsoft.Data.Sqlite;

namespace Baton.Testing.Sqlite;

/// <summary>
/// Another connection's write transaction (<c>BEGIN IMMEDIATE</c>) on a SQLite file until disposed:
/// every writer of that file waits for it, and gives up after its busy timeout. A real outage that
/// holds for root too, where a permission change would not.
/// </summary>
public sealed class HeldWriteLock : IDisposable
{
    private readonly SqliteConnection _connection;
    private readonly SqliteTransaction _transaction;

    public HeldWriteLock(string path)
    {
        _connection = new SqliteConnection($"Data Source={path};Pooling=False");
        _connection.Open();
        _transaction = _connection.BeginTransaction(deferred: false);
    }

    public void Dispose()
    {
        _transaction.Dispose();
        _connection.Dispose();
    }
}
