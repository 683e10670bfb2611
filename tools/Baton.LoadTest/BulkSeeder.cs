using Baton.Core;
using Baton.Core.Ledgers;
using Npgsql;
using NpgsqlTypes;

namespace Baton.LoadTest;

/// <summary>
/// Fills a PostgreSQL store with background users for the scale scenario, without a million HTTP
/// calls or password hashes: their ledgers (one live session each, made and serialized by
/// Baton.Core, as a login would) are copied straight into the store's <c>ledgers</c> table.
/// Nobody refreshes them; they are there to make the table, its indexes and the database's cache
/// pressure those of a store of that size.
/// </summary>
internal static class BulkSeeder
{
    /// <summary>The user ids of background users start with this, so they can be counted and removed.</summary>
    public const string Prefix = "scale-bg-";

    private static readonly SessionPolicy Policy = new();

    public static Task<long> CountLedgersAsync(string connectionString) => CountAsync(connectionString, "SELECT count(*) FROM ledgers");

    /// <summary>Adds background users until the store holds <paramref name="total"/> ledgers.</summary>
    public static async Task FillAsync(string connectionString, long total, Action<string> progress)
    {
        var missing = total - await CountLedgersAsync(connectionString);
        if (missing <= 0)
        {
            return;
        }

        progress($"copying {missing:N0} background ledgers into the store");
        var first = await CountAsync(connectionString, $"SELECT count(*) FROM ledgers WHERE user_id LIKE '{Prefix}%'");
        var now = DateTimeOffset.UtcNow;
        await using (var connection = await OpenAsync(connectionString))
        await using (var copy = await connection.BeginBinaryImportAsync("COPY ledgers (user_id, version, document, expires_at) FROM STDIN (FORMAT BINARY)"))
        {
            for (var i = first; i < first + missing; i++)
            {
                var userId = $"{Prefix}{i:D8}";
                var ledger = new StartSession(RandomIds.New(), new Device("device-1", "web", null), RandomIds.New(), ClientInfo.None)
                    .Apply(Ledger.Empty(userId), now, Policy).Ledger with { Version = 1 };
                await copy.StartRowAsync();
                await copy.WriteAsync(userId, NpgsqlDbType.Text);
                await copy.WriteAsync(1L, NpgsqlDbType.Bigint);
                await copy.WriteAsync(LedgerSerializer.Serialize(ledger), NpgsqlDbType.Bytea);
                await copy.WriteAsync(ledger.ExpiresAt(Policy), NpgsqlDbType.TimestampTz);
                if ((i - first + 1) % 100_000 == 0)
                {
                    progress($"copied {i - first + 1:N0}/{missing:N0}");
                }
            }

            await copy.CompleteAsync();
        }

        await ExecuteAsync(connectionString, "VACUUM ANALYZE ledgers");
    }

    /// <summary>Removes every background user again.</summary>
    public static async Task RemoveAsync(string connectionString, Action<string> progress)
    {
        progress("removing the background ledgers");
        await ExecuteAsync(connectionString, $"DELETE FROM ledgers WHERE user_id LIKE '{Prefix}%'");
        await ExecuteAsync(connectionString, "VACUUM ANALYZE ledgers"); // VACUUM runs outside a transaction: a statement of its own
    }

    private static async Task ExecuteAsync(string connectionString, string sql)
    {
        await using var connection = await OpenAsync(connectionString);
        await using var command = new NpgsqlCommand(sql, connection) { CommandTimeout = 600 };
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<long> CountAsync(string connectionString, string sql)
    {
        await using var connection = await OpenAsync(connectionString);
        await using var command = new NpgsqlCommand(sql, connection);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    private static async Task<NpgsqlConnection> OpenAsync(string connectionString)
    {
        var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        return connection;
    }
}
