using Baton.Core.Tokens;

namespace Baton.Storage.Sqlite;

public sealed partial class SqliteStore
{
    /// <inheritdoc />
    public Task<IReadOnlyList<SigningKeyMaterial>> LoadKeysAsync(CancellationToken cancellationToken) => RunAsync<IReadOnlyList<SigningKeyMaterial>>(connection =>
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
    }, cancellationToken);

    /// <inheritdoc />
    public Task<bool> TryAddKeyAsync(SigningKeyMaterial key, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        return RunAsync(connection => Execute(connection,
            "INSERT INTO signing_keys (kid, algorithm, purpose, created_at, activates_at, retires_at, private_key) VALUES ($kid, $alg, $purpose, $created, $activates, $retires, $key) ON CONFLICT DO NOTHING",
            ("$kid", key.Kid), ("$alg", key.Algorithm.ToString()), ("$purpose", key.Purpose.ToString()), ("$created", key.CreatedAt.ToUnixTimeMilliseconds()),
            ("$activates", key.ActivatesAt.ToUnixTimeMilliseconds()), ("$retires", Millis(key.RetiresAt)), ("$key", key.PrivateKey)) == 1, cancellationToken);
    }

    /// <inheritdoc />
    public Task<bool> RetireKeyAsync(string kid, DateTimeOffset retiresAt, CancellationToken cancellationToken) =>
        RunAsync(connection => Execute(connection,
            "UPDATE signing_keys SET retires_at = COALESCE(retires_at, $at) WHERE kid = $kid",
            ("$kid", kid), ("$at", retiresAt.ToUnixTimeMilliseconds())) == 1, cancellationToken);

    /// <inheritdoc />
    public Task<int> DeleteRetiredKeysAsync(DateTimeOffset before, CancellationToken cancellationToken) =>
        RunAsync(connection => Execute(connection,
            "DELETE FROM signing_keys WHERE retires_at IS NOT NULL AND retires_at < $before",
            ("$before", before.ToUnixTimeMilliseconds())), cancellationToken);
}
