using System.Collections.Immutable;

namespace Baton.Core.Tokens;

/// <summary>The claims of an access token whose signature, type, issuer, audience and lifetime have been checked.</summary>
/// <param name="UserId">The <c>sub</c> claim.</param>
/// <param name="SessionId">The <c>sid</c> claim.</param>
/// <param name="Jti">The <c>jti</c> claim.</param>
/// <param name="IssuedAt">The <c>iat</c> claim.</param>
/// <param name="ExpiresAt">The <c>exp</c> claim.</param>
/// <param name="Roles">The <c>roles</c> claim (empty when absent).</param>
public sealed record AccessTokenClaims(string UserId, string SessionId, string Jti, DateTimeOffset IssuedAt, DateTimeOffset ExpiresAt, ImmutableArray<string> Roles)
{
    /// <summary>The <c>preferred_username</c> claim (OpenID Connect Core §5.1): the account's username; null for a trusted backend's session.</summary>
    public string? Username { get; init; }
}
