using Baton.Storage.Sqlite;
using Baton.Storage.Tests.Contracts;
using Microsoft.Data.Sqlite;
using Orleans.Runtime;
using Orleans.Storage;

namespace Baton.Storage.Tests.Sqlite;

/// <summary>The grain storage contract on a SQLite file of its own per test.</summary>
public sealed class SqliteGrainStorageContractTests : GrainStorageContractTests, IDisposable
{
    private readonly SqliteTestFiles _files = new();

    protected override async Task<GrainStorageUnderTest> CreateStorageAsync()
    {
        var database = _files.OpenDatabase();
        await database.MigrateAsync(CancellationToken.None);
        return new SqliteStorageUnderTest(database);
    }

    public void Dispose() => _files.Dispose();

    private sealed class SqliteStorageUnderTest(SqliteDatabase database) : GrainStorageUnderTest
    {
        public override IGrainStorage Storage { get; } = SqliteTestFiles.Storage(database);

        public override Task<string?> ReadStoredDocumentAsync(string stateName, GrainId grainId)
        {
            // A connection of the test's own, as sqlite3 would read the file.
            using var connection = new SqliteConnection($"Data Source={database.Path};Pooling=False");
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "SELECT document FROM grain_state WHERE grain_type = $t AND grain_key = $k AND state_name = $s";
            command.Parameters.AddWithValue("$t", grainId.Type.ToString());
            command.Parameters.AddWithValue("$k", grainId.Key.ToString());
            command.Parameters.AddWithValue("$s", stateName);
            return Task.FromResult(command.ExecuteScalar() as string);
        }

        public override ValueTask DisposeAsync() => database.DisposeAsync();
    }
}
