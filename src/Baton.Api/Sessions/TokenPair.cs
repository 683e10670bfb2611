namespace Baton.Api.Sessions;

/// <summary>The token response (snake_case on the wire, as OAuth clients expect).</summary>
/// <param name="AccessToken">The RFC 9068 access token.</param>
/// <param name="TokenType">Always <c>Bearer</c>.</param>
/// <param name="ExpiresIn">Seconds until the access token expires.</param>
/// <param name="RefreshToken">The refresh token; omitted in cookie mode, where it travels in the cookie only.</param>
/// <param name="RefreshExpiresIn">Seconds until the refresh token expires.</param>
/// <param name="SessionId">The session (<c>sid</c>).</param>
public sealed record TokenPair(string AccessToken, string TokenType, long ExpiresIn, [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)] string? RefreshToken, long RefreshExpiresIn, string SessionId);
