using System.Threading.Channels;
using Microsoft.Data.Sqlite;

namespace Baton.LoadTest;

/// <summary>
/// One row per user in a SQLite file in WAL mode with <c>synchronous=FULL</c>; writes that queue
/// meanwhile commit together, one transaction and one sync, as Baton's embedded grain storage
/// commits them.
/// </summary>
internal sealed class SqliteLedgerWrites : ILedgerWrites
{
    private readonly Channel<(string User, string Jti, TaskCompletionSource Done)> _queue = Channel.CreateBounded<(string, string, TaskCompletionSource)>(4096);
    private readonly string _path = Path.Combine(Path.GetTempPath(), $"baton-bare-refresh-{Environment.ProcessId}.db");
    private readonly Task _writer;

    public SqliteLedgerWrites() => _writer = Task.Run(WriteLoop);

    public async Task WriteAsync(string user, string jti)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await _queue.Writer.WriteAsync((user, jti, done));
        await done.Task;
    }

    private async Task WriteLoop()
    {
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = _path, Pooling = false }.ToString());
        connection.Open();
        using (var setup = connection.CreateCommand())
        {
            setup.CommandText = """
                PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;
                CREATE TABLE IF NOT EXISTS sessions (user_id TEXT PRIMARY KEY, jti TEXT NOT NULL, generation INTEGER NOT NULL, document TEXT NOT NULL);
                """;
            setup.ExecuteNonQuery();
        }

        using var upsert = connection.CreateCommand();
        upsert.CommandText = """
            INSERT INTO sessions (user_id, jti, generation, document) VALUES ($user, $jti, 1, $document)
            ON CONFLICT (user_id) DO UPDATE SET jti = excluded.jti, generation = generation + 1, document = excluded.document
            """;
        var userParameter = upsert.Parameters.Add("$user", SqliteType.Text);
        var jtiParameter = upsert.Parameters.Add("$jti", SqliteType.Text);
        upsert.Parameters.AddWithValue("$document", RedisEtagWrite.Ledger);
        var batch = new List<TaskCompletionSource>();
        while (await _queue.Reader.WaitToReadAsync())
        {
            using (var transaction = connection.BeginTransaction())
            {
                upsert.Transaction = transaction;
                while (batch.Count < 512 && _queue.Reader.TryRead(out var write))
                {
                    userParameter.Value = write.User;
                    jtiParameter.Value = write.Jti;
                    upsert.ExecuteNonQuery();
                    batch.Add(write.Done);
                }

                transaction.Commit();
            }

            foreach (var done in batch)
            {
                done.SetResult();
            }

            batch.Clear();
        }
    }

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _writer;
        foreach (var file in new[] { _path, _path + "-wal", _path + "-shm" })
        {
            File.Delete(file);
        }
    }
}
