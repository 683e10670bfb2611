using Baton.Core.Tokens;

namespace Baton.Storage.Postgres;

public sealed partial class PostgresStore
{
    /// <inheritdoc />
    public Task<IReadOnlyList<SigningKeyMaterial>> LoadKeysAsync(CancellationToken cancellationToken) => RunAsync<IReadOnlyList<SigningKeyMaterial>>(async connection =>
    {
        await using var command = Command(connection, "SELECT kid, algorithm, purpose, created_at, activates_at, retires_at, private_key FROM signing_keys");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var keys = new List<SigningKeyMaterial>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            keys.Add(new SigningKeyMaterial(
                reader.GetString(0),
                Enum.Parse<SigningAlgorithm>(reader.GetString(1)),
                Enum.Parse<KeyPurpose>(reader.GetString(2)),
                reader.GetFieldValue<DateTimeOffset>(3),
                reader.GetFieldValue<DateTimeOffset>(4),
                reader.IsDBNull(5) ? null : reader.GetFieldValue<DateTimeOffset>(5),
                reader.GetFieldValue<byte[]>(6)));
        }

        return keys;
    }, retry: true, cancellationToken);

    /// <inheritdoc />
    public Task<bool> TryAddKeyAsync(SigningKeyMaterial key, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        return RunAsync(async connection => await ExecuteAsync(connection,
            "INSERT INTO signing_keys (kid, algorithm, purpose, created_at, activates_at, retires_at, private_key) VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING",
            cancellationToken,
            key.Kid, key.Algorithm.ToString(), key.Purpose.ToString(), key.CreatedAt, key.ActivatesAt, key.RetiresAt, key.PrivateKey).ConfigureAwait(false) == 1, retry: true, cancellationToken);
    }

    /// <inheritdoc />
    public Task<bool> RetireKeyAsync(string kid, DateTimeOffset retiresAt, CancellationToken cancellationToken) =>
        RunAsync(async connection => await ExecuteAsync(connection,
            "UPDATE signing_keys SET retires_at = COALESCE(retires_at, $2) WHERE kid = $1",
            cancellationToken, kid, retiresAt).ConfigureAwait(false) == 1, retry: true, cancellationToken);

    /// <inheritdoc />
    public Task<int> DeleteRetiredKeysAsync(DateTimeOffset before, CancellationToken cancellationToken) =>
        RunAsync(connection => ExecuteAsync(connection,
            "DELETE FROM signing_keys WHERE retires_at IS NOT NULL AND retires_at < $1",
            cancellationToken, before), retry: true, cancellationToken);
}
