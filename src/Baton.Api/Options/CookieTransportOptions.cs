namespace Baton.Api.Options;

/// <summary>Browser mode: the refresh token in a <c>__Host-</c> cookie. Section <c>Baton:Cookies</c>.</summary>
public sealed class CookieTransportOptions
{
    public const string SectionName = "Baton:Cookies";

    /// <summary>The refresh cookie's name; must start with <c>__Host-</c>. Default <c>__Host-baton-refresh</c>.</summary>
    public string Name { get; set; } = "__Host-baton-refresh";

    /// <summary>The header a cookie refresh must carry (any non-empty value); browsers cannot send it cross-site without CORS approval. Default <c>X-Baton-CSRF</c>.</summary>
    public string CsrfHeaderName { get; set; } = "X-Baton-CSRF";

    /// <summary>Origins allowed to refresh by cookie when the request carries an <c>Origin</c> header; the server's own origin is always allowed.</summary>
    public List<string> AllowedOrigins { get; set; } = [];
}
