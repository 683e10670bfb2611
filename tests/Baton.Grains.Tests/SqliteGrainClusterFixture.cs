using System.Text.Json;
using Baton.Core.Ledgers;
using Baton.Storage.Sqlite;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.TestingHost;

namespace Baton.Grains.Tests;

/// <summary>
/// A three-silo test cluster on the embedded default's real grain storage: every silo runs
/// <see cref="SqliteGrainStorage"/> and <see cref="SqliteEventLog"/> over its own
/// <see cref="SqliteDatabase"/> on one shared temporary file, so silos contend for the file's write
/// lock as separate processes would. A trigger copies every committed version of a grain's row
/// into <c>grain_state_history</c> (in the writing transaction, so only what committed), which is
/// how the tests look at each persisted state. Shares the policy and clock of
/// <see cref="GrainClusterFixture"/>, so its collection does not run in parallel with the others.
/// </summary>
public sealed class SqliteGrainClusterFixture : IGrainClusterFixture, IAsyncLifetime
{
    private static readonly string Directory = System.IO.Directory.CreateTempSubdirectory("baton-grains-sqlite-").FullName;

    internal static string DatabasePath { get; } = Path.Combine(Directory, "baton.db");

    public TestCluster Cluster { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        await using (var database = new SqliteDatabase(new SqliteStoreOptions { Path = DatabasePath }, TimeProvider.System))
        {
            await database.MigrateAsync(CancellationToken.None);
        }

        Execute("""
            CREATE TABLE grain_state_history (seq INTEGER PRIMARY KEY AUTOINCREMENT, grain_key TEXT NOT NULL, document TEXT NOT NULL);
            CREATE TRIGGER grain_state_inserted AFTER INSERT ON grain_state
                BEGIN INSERT INTO grain_state_history (grain_key, document) VALUES (NEW.grain_key, NEW.document); END;
            CREATE TRIGGER grain_state_updated AFTER UPDATE ON grain_state
                BEGIN INSERT INTO grain_state_history (grain_key, document) VALUES (NEW.grain_key, NEW.document); END;
            """);

        var builder = new TestClusterBuilder(3);
        builder.AddSiloBuilderConfigurator<SiloConfigurator>();
        Cluster = builder.Build();
        await Cluster.DeployAsync();
    }

    public async Task DisposeAsync()
    {
        await Cluster.StopAllSilosAsync();
        await Cluster.DisposeAsync();
        SqliteConnection.ClearAllPools();
        System.IO.Directory.Delete(Directory, recursive: true);
    }

    /// <summary>The user's state as the file holds it now, or null.</summary>
    internal static UserSessionState? Stored(string userId) =>
        Documents("SELECT document FROM grain_state WHERE grain_key = $k", userId) is [var only] ? only : null;

    /// <summary>Every version of the user's state that committed, in order.</summary>
    internal static IReadOnlyList<UserSessionState> Committed(string userId) =>
        Documents("SELECT document FROM grain_state_history WHERE grain_key = $k ORDER BY seq", userId);

    private static List<UserSessionState> Documents(string sql, string userId)
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Parameters.AddWithValue("$k", userId);
        using var reader = command.ExecuteReader();
        var documents = new List<UserSessionState>();
        while (reader.Read())
        {
            documents.Add(JsonSerializer.Deserialize<UserSessionState>(reader.GetString(0))!);
        }

        return documents;
    }

    private static void Execute(string sql)
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private static SqliteConnection Open()
    {
        var connection = new SqliteConnection($"Data Source={DatabasePath};Pooling=False");
        connection.Open();
        return connection;
    }

    private sealed class SiloConfigurator : ISiloConfigurator
    {
        public void Configure(ISiloBuilder siloBuilder)
        {
            siloBuilder.AddBatonGrains(clock: GrainClusterFixture.Clock);
            siloBuilder.Services.AddSingleton<IOptions<SessionPolicy>>(Options.Create(GrainClusterFixture.Policy));
            siloBuilder.Services.Configure<SqliteStoreOptions>(o => o.Path = DatabasePath);
            siloBuilder.AddSqliteGrainStorage("sessions");
            siloBuilder.Services.AddSqliteEventLog();
        }
    }
}

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class SqliteGrainClusterTests : ICollectionFixture<SqliteGrainClusterFixture>
{
    public const string Name = "grain cluster on sqlite";
}
