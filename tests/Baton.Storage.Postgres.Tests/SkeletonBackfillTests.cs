using Baton.Core.Users;
using Baton.Testing.Postgres;
using Baton.Testing.Storage;

namespace Baton.Storage.Postgres.Tests;

/// <summary>SECURITY.md 46: accounts written before skeletons existed (or by an older node) get their keys at start-up.</summary>
[RequiresPostgres]
public sealed class SkeletonBackfillTests
{
    [PostgresFact]
    public async Task Migrate_RowsWithoutSkeleton_FillsKeys_AndOldLookAlikesStay()
    {
        var connection = await (await PostgresServer.SharedAsync()).CreateDatabaseAsync();
        await using (var first = await TestDatabase.OpenStoreAsync(connection))
        {
            // Rows as an older node wrote them: no skeleton, and a key from when NFKC did nothing outside ASCII.
            await TestDatabase.ScalarAsync<int>(connection, """
                WITH inserted AS (
                    INSERT INTO users (id, username, normalized_username, roles, security_stamp, created_at) VALUES
                        ('u1', 'admin', 'ADMIN', '{}', 's', now() - interval '3 days'),
                        ('u2', $1, $2, '{}', 's', now() - interval '2 days'),
                        ('u3', $3, $4, '{}', 's', now() - interval '1 day')
                    RETURNING 1)
                SELECT count(*)::int FROM inserted
                """, "\u0430dmin", "\u0410DMIN", "Jose\u0301", "JOSE\u0301");
        }

        await using var store = await TestDatabase.OpenStoreAsync(connection);

        Assert.Equal("u3", (await store.FindByUsernameAsync(UsernameNormalizer.Normalize("Jos\u00E9"), CancellationToken.None))?.Id);
        Assert.Equal("u2", (await store.FindByIdAsync("u2", CancellationToken.None))?.Id);
        var third = new UserAccount("u4", "adm\u0456n", UsernameNormalizer.Normalize("adm\u0456n"), "hash", [], "s", 0, null, DateTimeOffset.UnixEpoch);
        Assert.False(await store.TryCreateAsync(third, CancellationToken.None));
        Assert.Equal(2L, await TestDatabase.ScalarAsync<long>(connection, "SELECT count(username_skeleton) FROM users"));
    }
}
