namespace Baton.Client;

/// <summary>The token pair of one Baton session, as <c>POST /v1/auth/login</c> and <c>/v1/auth/refresh</c> answer it (token mode).</summary>
/// <param name="AccessToken">The bearer access token (a JWT) sent on every request.</param>
/// <param name="RefreshToken">The refresh token; each refresh rotates it, so only the newest one may be used.</param>
public sealed record BatonTokens(string AccessToken, string RefreshToken)
{
    /// <summary>Hides the tokens: a record's generated <c>ToString</c> would print them into logs.</summary>
    public override string ToString() => nameof(BatonTokens);
}
