using System.Text.Json;
using Baton.Core.Storage;
using Baton.Core.Tokens;
using Baton.Core.Users;
using Microsoft.Data.Sqlite;

namespace Baton.Storage.Sqlite;

/// <summary>
/// The <c>users</c> and <c>signing_keys</c> tables of files written before accounts and keys moved
/// into grains: read once by the start-up's import, then emptied. Nothing else reads them.
/// </summary>
public sealed partial class SqliteStore : ILegacyAccounts
{
    /// <inheritdoc />
    public Task<(IReadOnlyList<UserAccount> Users, IReadOnlyList<SigningKeyMaterial> Keys)> ReadLegacyAsync(CancellationToken cancellationToken) =>
        RunAsync<(IReadOnlyList<UserAccount>, IReadOnlyList<SigningKeyMaterial>)>(connection => (ReadUsers(connection), ReadKeys(connection)), cancellationToken);

    /// <inheritdoc />
    public Task ForgetLegacyAsync(CancellationToken cancellationToken) => RunAsync(connection =>
    {
        using var transaction = connection.BeginTransaction(deferred: false);
        Execute(connection, "DELETE FROM users; DELETE FROM signing_keys;");
        transaction.Commit();
        return true;
    }, cancellationToken);

    private static List<UserAccount> ReadUsers(SqliteConnection connection)
    {
        using var command = Command(connection, "SELECT id, username, normalized_username, password_hash, roles, security_stamp, failed_login_count, locked_until, created_at FROM users ORDER BY created_at, id");
        using var reader = command.ExecuteReader();
        var users = new List<UserAccount>();
        while (reader.Read())
        {
            users.Add(new UserAccount(
                reader.GetString(0),
                reader.GetString(1),
                reader.GetString(2),
                reader.IsDBNull(3) ? null : reader.GetString(3),
                [.. JsonSerializer.Deserialize<string[]>(reader.GetString(4)) ?? []],
                reader.GetString(5),
                reader.GetInt32(6),
                reader.IsDBNull(7) ? null : FromMillis(reader.GetInt64(7)),
                FromMillis(reader.GetInt64(8))));
        }

        return users;
    }

    private static List<SigningKeyMaterial> ReadKeys(SqliteConnection connection)
    {
        using var command = Command(connection, "SELECT kid, algorithm, purpose, created_at, activates_at, retires_at, private_key FROM signing_keys");
        using var reader = command.ExecuteReader();
        var keys = new List<SigningKeyMaterial>();
        while (reader.Read())
        {
            keys.Add(new SigningKeyMaterial(
                reader.GetString(0),
                Enum.Parse<SigningAlgorithm>(reader.GetString(1)),
                Enum.Parse<KeyPurpose>(reader.GetString(2)),
                FromMillis(reader.GetInt64(3)),
                FromMillis(reader.GetInt64(4)),
                reader.IsDBNull(5) ? null : FromMillis(reader.GetInt64(5)),
                (byte[])reader.GetValue(6)));
        }

        return keys;
    }
}
