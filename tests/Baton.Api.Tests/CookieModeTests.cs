using System.Net;
using System.Net.Http.Json;

namespace Baton.Api.Tests;

/// <summary>SECURITY.md 28, 30, 31: the browser transport.</summary>
public sealed class CookieModeTests(BatonFactory factory) : IClassFixture<BatonFactory>
{
    private static readonly Dictionary<string, string> CookieMode = new() { ["X-Baton-Transport"] = "cookie" };
    private static readonly Dictionary<string, string> Csrf = new() { ["X-Baton-CSRF"] = "1" };

    [Fact]
    public async Task Login_InCookieMode_SetsHostCookie_WithStrictAttributes_AndNoRefreshTokenInBody()
    {
        var api = BatonApi.For(factory);
        var username = await RegisterAsync(api);

        using var login = await api.LoginRawAsync(username, headers: CookieMode);

        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        var body = await BatonApi.JsonOf(login);
        // Omitted, as the README says, not present as null.
        Assert.False(body.TryGetProperty("refresh_token", out _));
        var cookie = Assert.Single(login.Headers.GetValues("Set-Cookie"));
        Assert.StartsWith("__Host-baton-refresh=", cookie, StringComparison.Ordinal);
        Assert.Contains("secure", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=strict", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("path=/", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("domain=", cookie, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task RefreshByCookie_WithoutCsrfHeader_Is403_WithHeader_Rotates()
    {
        var api = BatonApi.For(factory);
        var username = await RegisterAsync(api);
        using var login = await api.LoginRawAsync(username, headers: CookieMode);

        using var noHeader = await api.PostJsonAsync("/v1/auth/refresh", new { });
        await BatonApi.AssertProblemAsync(noHeader, HttpStatusCode.Forbidden, "forbidden");

        using var withHeader = await api.PostJsonAsync("/v1/auth/refresh", new { }, headers: Csrf);
        Assert.Equal(HttpStatusCode.OK, withHeader.StatusCode);
        Assert.Contains("no-store", withHeader.Headers.CacheControl!.ToString(), StringComparison.Ordinal);
        Assert.StartsWith("__Host-baton-refresh=", Assert.Single(withHeader.Headers.GetValues("Set-Cookie")), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RefreshByCookie_ForeignOrigin_Is403()
    {
        var api = BatonApi.For(factory);
        var username = await RegisterAsync(api);
        using var login = await api.LoginRawAsync(username, headers: CookieMode);

        using var foreign = await api.PostJsonAsync("/v1/auth/refresh", new { }, headers: new Dictionary<string, string> { ["X-Baton-CSRF"] = "1", ["Origin"] = "https://evil.example" });

        await BatonApi.AssertProblemAsync(foreign, HttpStatusCode.Forbidden, "forbidden");
        using var same = await api.PostJsonAsync("/v1/auth/refresh", new { }, headers: new Dictionary<string, string> { ["X-Baton-CSRF"] = "1", ["Origin"] = "https://localhost" });
        Assert.Equal(HttpStatusCode.OK, same.StatusCode);
    }

    [Fact]
    public async Task ProtectedCall_WithExpiredAccessToken_AndValidCookie_RefreshesSilently()
    {
        var api = BatonApi.For(factory);
        var username = await RegisterAsync(api);
        using var login = await api.LoginRawAsync(username, headers: CookieMode);
        var access = (await BatonApi.JsonOf(login)).GetProperty("access_token").GetString()!;
        factory.Clock.Advance(TimeSpan.FromMinutes(16));

        using var me = await api.GetAsync("/v1/me", access);

        Assert.Equal(HttpStatusCode.OK, me.StatusCode);
        var fresh = Assert.Single(me.Headers.GetValues("X-Access-Token"));
        Assert.NotEqual(access, fresh);
        Assert.StartsWith("__Host-baton-refresh=", Assert.Single(me.Headers.GetValues("Set-Cookie")), StringComparison.Ordinal);
        using var again = await api.GetAsync("/v1/me", fresh);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
    }

    [Fact]
    public async Task ProtectedCall_WithExpiredAccessToken_AndNoCookie_IsTokenExpired()
    {
        var api = BatonApi.For(factory);
        var username = await RegisterAsync(api);
        var pair = await api.LoginAsync(username);
        factory.Clock.Advance(TimeSpan.FromMinutes(16));

        using var me = await api.GetAsync("/v1/me", pair.AccessToken);

        await BatonApi.AssertProblemAsync(me, HttpStatusCode.Unauthorized, "token_expired");
    }

    [Fact]
    public async Task Logout_ExpiresTheCookie()
    {
        var api = BatonApi.For(factory);
        var username = await RegisterAsync(api);
        using var login = await api.LoginRawAsync(username, headers: CookieMode);
        var access = (await BatonApi.JsonOf(login)).GetProperty("access_token").GetString()!;

        using var logout = await api.PostJsonAsync("/v1/auth/logout", null, access);

        Assert.Equal(HttpStatusCode.NoContent, logout.StatusCode);
        var cookie = Assert.Single(logout.Headers.GetValues("Set-Cookie"));
        Assert.StartsWith("__Host-baton-refresh=;", cookie, StringComparison.Ordinal);
        Assert.Contains("max-age=0", cookie, StringComparison.OrdinalIgnoreCase);
        using var refresh = await api.PostJsonAsync("/v1/auth/refresh", new { }, headers: Csrf);
        Assert.Equal(HttpStatusCode.BadRequest, refresh.StatusCode); // the cookie is gone: nothing to refresh with
    }

    private static async Task<string> RegisterAsync(BatonApi api)
    {
        var username = "cookie-" + Guid.NewGuid().ToString("N")[..10];
        await api.RegisterAsync(username);
        return username;
    }
}
