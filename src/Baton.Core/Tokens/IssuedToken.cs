namespace Baton.Core.Tokens;

/// <summary>A freshly minted access token.</summary>
/// <param name="Token">The compact JWS.</param>
/// <param name="Jti">Its unique id.</param>
/// <param name="ExpiresAt">Its <c>exp</c>.</param>
public sealed record IssuedToken(string Token, string Jti, DateTimeOffset ExpiresAt);
