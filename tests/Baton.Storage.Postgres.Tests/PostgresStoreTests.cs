using Baton.Testing.Postgres;
using Baton.Testing.Storage;

namespace Baton.Storage.Postgres.Tests;

/// <summary>The store contract on PostgreSQL: a fresh database per test on the shared throwaway server.</summary>
[RequiresPostgres]
public sealed class PostgresStoreTests : StoreContractTests
{
    protected override async Task<StoreUnderTest> CreateStoreAsync()
    {
        var server = await PostgresServer.SharedAsync();
        return await OpenAsync(await server.CreateDatabaseAsync());
    }

    internal static async Task<StoreUnderTest> OpenAsync(string connectionString)
    {
        var store = new PostgresStore(new PostgresStoreOptions { ConnectionString = connectionString });
        await store.MigrateAsync(CancellationToken.None);
        return new StoreUnderTest(store, () => OpenAsync(connectionString), store.DisposeAsync);
    }
}
