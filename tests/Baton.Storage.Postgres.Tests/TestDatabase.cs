using Npgsql;

namespace Baton.Storage.Postgres.Tests;

/// <summary>A test's own database: a migrated store on it, and plain queries for what the store does not expose.</summary>
internal static class TestDatabase
{
    public static async Task<PostgresStore> OpenStoreAsync(string connection)
    {
        var store = new PostgresStore(new PostgresStoreOptions { ConnectionString = connection });
        await store.MigrateAsync(CancellationToken.None);
        return store;
    }

    public static async Task<T> ScalarAsync<T>(string connection, string sql, params object[] parameters)
    {
        await using var db = new NpgsqlConnection(connection);
        await db.OpenAsync();
        await using var command = new NpgsqlCommand(sql, db);
        foreach (var value in parameters)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = value });
        }

        return (T)(await command.ExecuteScalarAsync())!;
    }
}
