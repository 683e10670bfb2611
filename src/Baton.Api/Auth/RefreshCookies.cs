using Baton.Api.Options;
using Microsoft.Extensions.Options;

namespace Baton.Api.Auth;

/// <summary>
/// The browser transport of the refresh token: a <c>__Host-</c> cookie (Secure, HttpOnly,
/// SameSite=Strict, Path=/, no Domain) that scripts cannot read, plus the anti-CSRF checks a
/// cookie refresh must pass.
/// </summary>
internal sealed class RefreshCookies(IOptionsMonitor<CookieTransportOptions> options)
{
    /// <summary>Clients ask for cookie mode with this request header set to <c>cookie</c>.</summary>
    public const string TransportHeader = "X-Baton-Transport";

    public static bool WantsCookie(HttpRequest request) =>
        string.Equals(request.Headers[TransportHeader].ToString(), "cookie", StringComparison.OrdinalIgnoreCase);

    public string? Read(HttpRequest request)
    {
        var value = request.Cookies[options.CurrentValue.Name];
        return string.IsNullOrEmpty(value) ? null : value;
    }

    public void Write(HttpResponse response, string refreshToken, long maxAgeSeconds) =>
        response.Cookies.Append(options.CurrentValue.Name, refreshToken, Attributes(TimeSpan.FromSeconds(maxAgeSeconds)));

    public void Expire(HttpResponse response) =>
        response.Cookies.Append(options.CurrentValue.Name, "", Attributes(TimeSpan.Zero));

    /// <summary>
    /// A refresh by cookie must carry the anti-CSRF header (a custom header a cross-site page
    /// cannot send without a CORS preflight Baton does not grant), and an <c>Origin</c>, when
    /// present, must be this server's or an allowed one.
    /// </summary>
    public bool PassesCsrfChecks(HttpRequest request)
    {
        var settings = options.CurrentValue;
        if (string.IsNullOrEmpty(request.Headers[settings.CsrfHeaderName].ToString()))
        {
            return false;
        }

        var origin = request.Headers.Origin.ToString();
        if (origin.Length == 0)
        {
            return true;
        }

        var own = $"{request.Scheme}://{request.Host}";
        return string.Equals(origin, own, StringComparison.OrdinalIgnoreCase) ||
            settings.AllowedOrigins.Any(o => string.Equals(o.TrimEnd('/'), origin, StringComparison.OrdinalIgnoreCase));
    }

    private static CookieOptions Attributes(TimeSpan maxAge) => new()
    {
        Secure = true,
        HttpOnly = true,
        SameSite = SameSiteMode.Strict,
        Path = "/",
        MaxAge = maxAge,
        Expires = maxAge == TimeSpan.Zero ? DateTimeOffset.UnixEpoch : null,
        IsEssential = true,
    };
}
