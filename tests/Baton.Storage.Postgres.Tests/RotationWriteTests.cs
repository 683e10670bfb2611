using Baton.Core.Ledgers;
using Baton.Testing;
using Baton.Testing.Postgres;

namespace Baton.Storage.Postgres.Tests;

/// <summary>
/// The shape of a rotation's write on PostgreSQL: it slides the ledger's expiry, yet the indexed
/// expiry column keeps its value within the hour, so the update is HOT (no new index entries).
/// </summary>
public sealed class RotationWriteTests
{
    [PostgresFact]
    public async Task StoredExpiry_IsTheLedgerExpiryRoundedUpToTheHour()
    {
        var connection = await (await PostgresServer.SharedAsync()).CreateDatabaseAsync();
        await using var store = await TestDatabase.OpenStoreAsync(connection);
        var login = Writes.Login(Ledger.Empty("u1"), "s1");
        Assert.True(await store.TrySaveAsync(login, CancellationToken.None));

        var stored = new DateTimeOffset(await TestDatabase.ScalarAsync<DateTime>(connection, "SELECT expires_at FROM ledgers WHERE user_id = $1", "u1"));

        Assert.True(stored >= login.ExpiresAt, $"{stored} is earlier than the ledger's expiry {login.ExpiresAt}");
        Assert.True(stored - login.ExpiresAt < TimeSpan.FromHours(1));
        Assert.Equal(0, stored.UtcTicks % TimeSpan.TicksPerHour);
    }

    [PostgresFact]
    public async Task RotationsWithinAnHour_AreHotUpdates()
    {
        // Few enough that every row version fits on the row's page without pruning (HOT needs room on
        // the same page, and pruning waits for old versions to be invisible to every snapshot, which
        // other tests' transactions on the shared server can delay).
        const int rotations = 8;
        var connection = await (await PostgresServer.SharedAsync()).CreateDatabaseAsync();
        await using var store = await TestDatabase.OpenStoreAsync(connection);
        var ledger = Ledger.Empty("u1");
        var write = Writes.Login(ledger, "s1");
        Assert.True(await store.TrySaveAsync(write, CancellationToken.None));
        ledger = write.Ledger;
        var jti = "s1-rt1";
        for (var i = 1; i <= rotations; i++)
        {
            // A second apart, so the exact expiry moves with every rotation (inside one hour).
            write = Writes.Refresh(ledger, "s1", jti, $"s1-rt{i + 1}", Writes.Now.AddSeconds(i));
            Assert.True(await store.TrySaveAsync(write, CancellationToken.None));
            Assert.NotEqual(ledger.ExpiresAt(Writes.Policy), write.ExpiresAt);
            (ledger, jti) = (write.Ledger, $"s1-rt{i + 1}");
        }

        // Statistics reach pg_stat_user_tables when the writing backends report them (within seconds).
        await Eventually.UntilAsync(async () => await TestDatabase.ScalarAsync<long>(connection, "SELECT n_tup_upd FROM pg_stat_user_tables WHERE relname = 'ledgers'") >= rotations);
        Assert.Equal(rotations, await TestDatabase.ScalarAsync<long>(connection, "SELECT n_tup_hot_upd FROM pg_stat_user_tables WHERE relname = 'ledgers'"));
    }
}
