namespace Baton.Core.Tokens;

/// <summary>The claims of a refresh token whose signature, type, issuer, audience and lifetime have been checked.</summary>
/// <param name="UserId">The <c>sub</c> claim.</param>
/// <param name="SessionId">The <c>sid</c> claim.</param>
/// <param name="Jti">The <c>jti</c> claim: the refresh generation presented.</param>
/// <param name="IssuedAt">The <c>iat</c> claim.</param>
/// <param name="ExpiresAt">The <c>exp</c> claim.</param>
public sealed record RefreshTokenClaims(string UserId, string SessionId, string Jti, DateTimeOffset IssuedAt, DateTimeOffset ExpiresAt);
