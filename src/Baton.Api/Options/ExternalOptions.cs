namespace Baton.Api.Options;

/// <summary>Sign-in through external providers (OAuth 2.0 / OpenID Connect). Section <c>Baton:External</c>.</summary>
public sealed class ExternalOptions
{
    public const string SectionName = "Baton:External";

    /// <summary>The providers by name (lower-case letters, digits, dashes; the name is in the URLs: <c>/v1/auth/external/{name}</c>).</summary>
    public Dictionary<string, ExternalProviderOptions> Providers { get; set; } = new(StringComparer.Ordinal);

    /// <summary>
    /// Where a sign-in may send the browser back (<c>return_to</c>): absolute URLs; a <c>return_to</c>
    /// matches an entry with the same scheme, host and port and a path at or below the entry's path.
    /// The first entry is the default.
    /// </summary>
    public List<string> ReturnUrls { get; set; } = [];

    /// <summary>
    /// The key (base64, 32 bytes) that encrypts and authenticates the sign-in flow cookie. Every front
    /// of a cluster needs the same one: without it the key is derived from <c>Baton:Tokens:MasterKey</c>,
    /// and without that a random key per process is used (fine for the embedded default's one process).
    /// </summary>
    public string? CookieKey { get; set; }

    /// <summary>How long a browser has to come back from the provider (the flow cookie's lifetime). Default 10 minutes.</summary>
    public TimeSpan FlowLifetime { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>How long a one-time sign-in code can be exchanged. Default 1 minute.</summary>
    public TimeSpan CodeLifetime { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>The timeout of each call to a provider (token, profile, discovery, JWKS). Default 10 seconds.</summary>
    public TimeSpan HttpTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>This server's public base URL for the callback (<c>redirect_uri</c>), e.g. <c>https://auth.example.com</c>; default: the request's scheme and host.</summary>
    public string? PublicUrl { get; set; }
}
