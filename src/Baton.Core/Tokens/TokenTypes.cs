namespace Baton.Core.Tokens;

/// <summary>The JOSE <c>typ</c> header values that keep the two kinds of token apart (RFC 8725 §3.11).</summary>
public static class TokenTypes
{
    /// <summary>Access tokens, as RFC 9068 §2.1 requires.</summary>
    public const string Access = "at+jwt";

    /// <summary>Refresh tokens: Baton's own explicit type, never accepted where an access token is expected.</summary>
    public const string Refresh = "rt+jwt";

    /// <summary>The <c>typ</c> of a key's tokens.</summary>
    public static string For(KeyPurpose purpose) => purpose == KeyPurpose.Access ? Access : Refresh;
}
