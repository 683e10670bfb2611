namespace Baton.Api.Options;

/// <summary>Request size limits and the trusted reverse proxies. Section <c>Baton:Http</c>.</summary>
public sealed class HttpLimitOptions
{
    public const string SectionName = "Baton:Http";

    /// <summary>Largest request body; larger ones get 413. Default 16 KiB (Baton's requests are small).</summary>
    public long MaxRequestBodyBytes { get; set; } = 16 * 1024;

    /// <summary>
    /// Proxies (addresses or CIDR networks) whose <c>X-Forwarded-For</c>/<c>-Proto</c> are believed, so
    /// rate limits and audit events see the client's address. Loopback is always trusted.
    /// </summary>
    public List<string> TrustedProxies { get; set; } = [];
}
