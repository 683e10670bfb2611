using System.Net;
using System.Net.Http.Json;
using Baton.Grains;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.DependencyInjection;

namespace Baton.External.Tests;

/// <summary>Sign-in through the fake provider, end to end over HTTP with real redirects and cookies.</summary>
public sealed class ExternalSignInTests(ExternalFixture fixture) : IClassFixture<ExternalFixture>
{
    private FakeProvider Provider => fixture.Provider;

    [Fact]
    public async Task Start_KnownProvider_RedirectsWithStatePkceS256AndSetsHostFlowCookie()
    {
        using var browser = fixture.Baton.NewBrowser();
        using var response = await browser.StartAsync("gitee");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var location = response.Headers.Location!;
        Assert.StartsWith(Provider.BaseUrl + "/authorize?", location.AbsoluteUri, StringComparison.Ordinal);
        var query = QueryHelpers.ParseQuery(location.Query);
        Assert.Equal("code", query["response_type"]);
        Assert.Equal(FakeProvider.OAuthClientId, query["client_id"]);
        Assert.Equal("https://localhost/v1/auth/external/gitee/callback", query["redirect_uri"]);
        Assert.Equal("S256", query["code_challenge_method"]);
        Assert.Equal(43, query["code_challenge"].ToString().Length);
        Assert.False(string.IsNullOrEmpty(query["state"]));
        Assert.False(query.ContainsKey("nonce"));
        Assert.Equal("user_info", query["scope"]);

        var cookie = Assert.Single(response.Headers.GetValues("Set-Cookie"), c => c.StartsWith("__Host-baton-external=", StringComparison.Ordinal));
        Assert.Contains("secure", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=lax", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("path=/", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("max-age=600", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("domain=", cookie, StringComparison.OrdinalIgnoreCase);

        // The state and the verifier are not readable in the cookie.
        Assert.DoesNotContain(query["state"].ToString(), cookie, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Callback_FirstSignIn_CreatesUserWithoutPasswordAndLinksIdentity()
    {
        Provider.SignInAs = new FakeUser("2001", "first-timer", "first@example.com");
        using var browser = fixture.Baton.NewBrowser();

        var pair = await browser.SignInWithCodeAsync("gitee");

        var access = pair.GetProperty("access_token").GetString()!;
        Assert.False(string.IsNullOrEmpty(pair.GetProperty("refresh_token").GetString()));
        using var me = await browser.SendAsync(HttpMethod.Get, "/v1/me", access);
        var user = await Browser.JsonOf(me);
        Assert.Equal("first-timer", user.GetProperty("username").GetString());

        using var listed = await browser.SendAsync(HttpMethod.Get, "/v1/me/identities", access);
        var identities = await Browser.JsonOf(listed);
        Assert.False(identities.GetProperty("has_password").GetBoolean());
        var identity = Assert.Single(identities.GetProperty("identities").EnumerateArray());
        Assert.Equal("gitee", identity.GetProperty("provider").GetString());
        Assert.Equal("2001", identity.GetProperty("subject").GetString());
        Assert.Equal("first@example.com", identity.GetProperty("email").GetString());

        var owner = await fixture.Baton.Services.GetRequiredService<IGrainFactory>().GetGrain<IExternalIdentityGrain>("gitee:2001").GetUserAsync();
        Assert.Equal(user.GetProperty("id").GetString(), owner);
    }

    [Fact]
    public async Task Callback_SecondSignInOfSameIdentity_SignsInSameUser()
    {
        Provider.SignInAs = new FakeUser("2002", "returning", null);
        using var first = fixture.Baton.NewBrowser();
        using var second = fixture.Baton.NewBrowser();

        var one = await first.SignInWithCodeAsync("gitee");
        var firstUser = await UserIdOf(first, one);
        var two = await second.SignInWithCodeAsync("gitee");

        Assert.Equal(firstUser, await UserIdOf(second, two));
        Assert.NotEqual(one.GetProperty("session_id").GetString(), two.GetProperty("session_id").GetString());
    }

    [Fact]
    public async Task Callback_TakenUsername_CreatesUserUnderAnotherName()
    {
        using var browser = fixture.Baton.NewBrowser();
        using var registered = await browser.Baton.PostAsJsonAsync("/v1/users", new { username = "taken-name", password = "correct horse battery staple" });
        Assert.Equal(HttpStatusCode.Created, registered.StatusCode);
        Provider.SignInAs = new FakeUser("2003", "taken-name", null);

        var pair = await browser.SignInWithCodeAsync("gitee");

        using var me = await browser.SendAsync(HttpMethod.Get, "/v1/me", pair.GetProperty("access_token").GetString()!);
        Assert.Equal("gitee-taken-name", (await Browser.JsonOf(me)).GetProperty("username").GetString());
    }

    [Fact]
    public async Task Callback_CookieMode_SetsRefreshCookieAndRedirectsToReturnTo()
    {
        Provider.SignInAs = new FakeUser("2004", "cookie-user", null);
        using var browser = fixture.Baton.NewBrowser();

        using var callback = await browser.SignInAsync("gitee", "&mode=cookie");

        Assert.Equal(HttpStatusCode.Redirect, callback.StatusCode);
        Assert.Equal(ExternalBaton.ReturnTo, callback.Headers.Location!.AbsoluteUri);
        Assert.Contains(callback.Headers.GetValues("Set-Cookie"), c => c.StartsWith("__Host-baton-refresh=", StringComparison.Ordinal) && c.Contains("httponly", StringComparison.OrdinalIgnoreCase));
        using var refresh = new HttpRequestMessage(HttpMethod.Post, "/v1/auth/refresh") { Content = JsonContent.Create(new { }) };
        refresh.Headers.Add("X-Baton-CSRF", "1");
        using var refreshed = await browser.Baton.SendAsync(refresh);
        Assert.Equal(HttpStatusCode.OK, refreshed.StatusCode);
    }

    [Fact]
    public async Task Callback_Oidc_ValidatesIdTokenWithNonceAndSignsIn()
    {
        Provider.SignInAs = new FakeUser("oidc-subject-1", "olivia", "olivia@corp.example");
        Provider.IdTokenFault = IdTokenFault.None;
        using var browser = fixture.Baton.NewBrowser();

        var pair = await browser.SignInWithCodeAsync("corp");

        Assert.False(string.IsNullOrEmpty(Provider.LastAuthorize!["nonce"]));
        Assert.Equal("openid profile email", Provider.LastAuthorize["scope"]);
        using var me = await browser.SendAsync(HttpMethod.Get, "/v1/me", pair.GetProperty("access_token").GetString()!);
        Assert.Equal("olivia", (await Browser.JsonOf(me)).GetProperty("username").GetString());
    }

    [Fact]
    public async Task Exchange_SecondDeviceUnderSingleDevicePolicy_ReplacesFirstSession()
    {
        Provider.SignInAs = new FakeUser("2005", "one-device", null);
        using var laptop = fixture.Baton.NewBrowser();
        using var phone = fixture.Baton.NewBrowser();

        var first = await laptop.SignInWithCodeAsync("gitee", "&device_id=laptop-1&device_type=web");
        var second = await phone.SignInWithCodeAsync("gitee", "&device_id=phone-1&device_type=mobile");

        using var refreshed = await laptop.Baton.PostAsJsonAsync("/v1/auth/refresh", new { refresh_token = first.GetProperty("refresh_token").GetString() });
        Assert.Equal(HttpStatusCode.Unauthorized, refreshed.StatusCode);
        var problem = await Browser.JsonOf(refreshed);
        Assert.Equal("session_ended", problem.GetProperty("code").GetString());
        Assert.Equal("replaced", problem.GetProperty("reason").GetString());
        using var stillIn = await phone.Baton.PostAsJsonAsync("/v1/auth/refresh", new { refresh_token = second.GetProperty("refresh_token").GetString() });
        Assert.Equal(HttpStatusCode.OK, stillIn.StatusCode);
    }

    [Fact]
    public async Task Callback_IdentityOfDeletedAccount_SignsUpAnewWhenUsersAreCreated()
    {
        Provider.SignInAs = new FakeUser("2006", "deleted-later", null);
        using var browser = fixture.Baton.NewBrowser();
        var before = await UserIdOf(browser, await browser.SignInWithCodeAsync("gitee"));
        using var delete = new HttpRequestMessage(HttpMethod.Delete, $"/v1/admin/users/{before}");
        delete.Headers.Add("X-Api-Key", ExternalBaton.AdminKey);
        using var deleted = await browser.Baton.SendAsync(delete);
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);

        var after = await UserIdOf(browser, await browser.SignInWithCodeAsync("gitee"));

        Assert.NotEqual(before, after);
        Assert.Equal(after, await fixture.Baton.Services.GetRequiredService<IGrainFactory>().GetGrain<IExternalIdentityGrain>("gitee:2006").GetUserAsync());
    }

    [Fact]
    public async Task Start_OidcProviderDown_AnswersProviderFailed()
    {
        var gone = await FakeProvider.StartAsync();
        var address = gone.BaseUrl;
        await gone.DisposeAsync();
        using var baton = new ExternalBaton(Provider, new Dictionary<string, string?> { ["Baton:External:Providers:corp:Authority"] = address });
        using var browser = baton.NewBrowser();

        using var response = await browser.StartAsync("corp");

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        Assert.Equal("provider_failed", await Browser.CodeOfProblem(response));
        Assert.False(response.Headers.TryGetValues("Set-Cookie", out _));
    }

    private static async Task<string> UserIdOf(Browser browser, System.Text.Json.JsonElement pair)
    {
        using var me = await browser.SendAsync(HttpMethod.Get, "/v1/me", pair.GetProperty("access_token").GetString()!);
        return (await Browser.JsonOf(me)).GetProperty("id").GetString()!;
    }
}
