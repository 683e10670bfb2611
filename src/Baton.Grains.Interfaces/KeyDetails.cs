using Baton.Core.Tokens;

namespace Baton.Grains;

/// <summary>A stored signing key as it crosses the grain boundary (<see cref="SigningKeyMaterial"/>; the private key as the API protected it).</summary>
[GenerateSerializer]
[Immutable]
[Alias("Baton.KeyDetails")]
public sealed record KeyDetails(
    [property: Id(0)] string Kid,
    [property: Id(1)] SigningAlgorithm Algorithm,
    [property: Id(2)] KeyPurpose Purpose,
    [property: Id(3)] DateTimeOffset CreatedAt,
    [property: Id(4)] DateTimeOffset ActivatesAt,
    [property: Id(5)] DateTimeOffset? RetiresAt,
    [property: Id(6)] byte[] PrivateKey)
{
    /// <summary>The message form of <paramref name="key"/>.</summary>
    public static KeyDetails From(SigningKeyMaterial key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return new(key.Kid, key.Algorithm, key.Purpose, key.CreatedAt, key.ActivatesAt, key.RetiresAt, key.PrivateKey);
    }

    /// <summary>The stored form.</summary>
    public SigningKeyMaterial ToMaterial() => new(Kid, Algorithm, Purpose, CreatedAt, ActivatesAt, RetiresAt, PrivateKey);
}
