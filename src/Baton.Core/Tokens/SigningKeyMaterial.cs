namespace Baton.Core.Tokens;

/// <summary>
/// A signing key as stores persist it. <see cref="PrivateKey"/> is opaque to stores: PKCS#8 for
/// ES256/RS256, raw bytes for HS256, possibly encrypted by the key ring before it reaches the store.
/// </summary>
/// <param name="Kid">The key id, unique in the ring (JWS <c>kid</c> header).</param>
/// <param name="Algorithm">The one algorithm this key signs and verifies with.</param>
/// <param name="Purpose">Access or refresh tokens.</param>
/// <param name="CreatedAt">When the key was generated.</param>
/// <param name="ActivatesAt">When it starts signing; it is published in the JWKS from <paramref name="CreatedAt"/>.</param>
/// <param name="RetiresAt">When it stopped signing, once retired; it still verifies until its tokens have expired.</param>
/// <param name="PrivateKey">The private key bytes.</param>
public sealed record SigningKeyMaterial(
    string Kid,
    SigningAlgorithm Algorithm,
    KeyPurpose Purpose,
    DateTimeOffset CreatedAt,
    DateTimeOffset ActivatesAt,
    DateTimeOffset? RetiresAt,
    byte[] PrivateKey);
