namespace Baton.Core.Tokens;

/// <summary>How Baton mints and checks tokens (configuration section <c>Baton:Tokens</c>).</summary>
public sealed class TokenOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Baton:Tokens";

    /// <summary>
    /// The <c>iss</c> of every token: Baton's public base URL, so that JwtBearer's <c>Authority</c>
    /// finds discovery at <c>{Issuer}/.well-known/openid-configuration</c>. Compared exactly.
    /// </summary>
    public string Issuer { get; set; } = "http://localhost:5000";

    /// <summary>The <c>aud</c> of access tokens: what resource servers expect.</summary>
    public string AccessAudience { get; set; } = "baton";

    /// <summary>The <c>aud</c> of refresh tokens; different from <see cref="AccessAudience"/> so neither kind passes as the other.</summary>
    public string RefreshAudience { get; set; } = "baton:refresh";

    /// <summary>The <c>client_id</c> claim RFC 9068 requires in access tokens.</summary>
    public string ClientId { get; set; } = "baton";

    /// <summary>How long an access token is valid.</summary>
    public TimeSpan AccessTokenLifetime { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>Tolerated clock difference between nodes, applied to <c>exp</c>, <c>iat</c> and <c>nbf</c>.</summary>
    public TimeSpan ClockSkew { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Longer tokens are rejected before any parsing (Baton's own tokens are well under 1 KB).</summary>
    public int MaxTokenLength { get; set; } = 4096;

    /// <summary>
    /// Access tokens whose signature was verified, remembered (per key ring) so a token presented
    /// again costs a lookup instead of an ECDSA verification; 0 turns this off. About 1 KB each.
    /// </summary>
    public int VerifiedTokenCacheSize { get; set; } = 50_000;

    /// <summary>The algorithm of the access token signing key.</summary>
    public SigningAlgorithm AccessAlgorithm { get; set; } = SigningAlgorithm.ES256;

    /// <summary>How long a retired refresh token key keeps verifying: the longest a session can live.</summary>
    public TimeSpan RetiredRefreshKeyLifetime { get; set; } = TimeSpan.FromDays(30);

    /// <summary>How often each node re-reads the shared key ring, to pick up keys other nodes added or retired.</summary>
    public TimeSpan KeyRefreshInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long a key signs before a successor replaces it (automatic rotation); zero turns rotation off.</summary>
    public TimeSpan KeyRotationInterval { get; set; } = TimeSpan.FromDays(30);

    /// <summary>
    /// How long a new key is published before it signs, so resource servers that cache the JWKS
    /// know it before they meet it. Longer than their JWKS refresh (JwtBearer: 5 minutes at the least).
    /// </summary>
    public TimeSpan KeyActivationDelay { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Base64 of a 32-byte master key; when set, private keys are encrypted at rest (AES-256-GCM).</summary>
    public string? MasterKey { get; set; }

    /// <summary>How long after a retired key stops verifying its tokens it may still be needed; until then it stays in the ring.</summary>
    public TimeSpan VerifyWindow(KeyPurpose purpose) =>
        (purpose == KeyPurpose.Access ? AccessTokenLifetime : RetiredRefreshKeyLifetime) + ClockSkew;
}
