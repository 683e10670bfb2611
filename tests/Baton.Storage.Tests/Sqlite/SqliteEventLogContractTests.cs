using Baton.Core.Audit;
using Baton.Storage.Sqlite;
using Baton.Storage.Tests.Contracts;

namespace Baton.Storage.Tests.Sqlite;

/// <summary>The event log contract on a SQLite file of its own per test, read through <see cref="SqliteStore"/>'s existing readers.</summary>
public sealed class SqliteEventLogContractTests : EventLogContractTests, IDisposable
{
    private readonly SqliteTestFiles _files = new();

    protected override async Task<EventLogUnderTest> CreateLogAsync()
    {
        var database = _files.OpenDatabase();
        await database.MigrateAsync(CancellationToken.None);
        return new SqliteLogUnderTest(database, new SqliteStore(new SqliteStoreOptions { Path = database.Path }));
    }

    public void Dispose() => _files.Dispose();

    private sealed class SqliteLogUnderTest(SqliteDatabase database, SqliteStore readers) : EventLogUnderTest
    {
        public override IEventLog Log { get; } = new SqliteEventLog(database);

        public override IAuditLog Audit => readers;

        public override IRevocationLog Revocations => readers;

        public override async ValueTask DisposeAsync()
        {
            readers.Dispose();
            await database.DisposeAsync();
        }
    }
}
