using System.Net;

namespace Baton.Api.Tests;

public sealed class AuthFlowTests(BatonFactory factory) : IClassFixture<BatonFactory>
{
    private readonly BatonApi _api = BatonApi.For(factory);

    [Fact]
    public async Task Login_ValidCredentials_ReturnsPairWithNoStore()
    {
        var username = "flow-" + Guid.NewGuid().ToString("N")[..8];
        var userId = await _api.RegisterAsync(username);

        using var response = await _api.LoginRawAsync(username);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("no-store", response.Headers.CacheControl!.ToString(), StringComparison.Ordinal);
        var json = await BatonApi.JsonOf(response);
        Assert.Equal("Bearer", json.GetProperty("token_type").GetString());
        Assert.Equal(900, json.GetProperty("expires_in").GetInt64());
        var pair = Pair.Of(json);
        Assert.Equal(userId, BatonApi.Claim(pair.AccessToken, "sub"));
        Assert.Equal(pair.SessionId, BatonApi.Claim(pair.AccessToken, "sid"));
        Assert.NotNull(pair.RefreshToken);
    }

    [Fact]
    public async Task Me_WithAccessToken_ReturnsUserAndSession()
    {
        var (userId, username, pair) = await _api.NewUserAsync();

        using var response = await _api.GetAsync("/v1/me", pair.AccessToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var json = await BatonApi.JsonOf(response);
        Assert.Equal(userId, json.GetProperty("id").GetString());
        Assert.Equal(username, json.GetProperty("username").GetString());
        Assert.Equal(pair.SessionId, json.GetProperty("session_id").GetString());
    }

    [Fact]
    public async Task Me_WithoutToken_Returns401WithBearerChallenge()
    {
        using var response = await _api.GetAsync("/v1/me");

        await BatonApi.AssertProblemAsync(response, HttpStatusCode.Unauthorized, "invalid_token");
    }

    [Fact]
    public async Task Refresh_CurrentToken_RotatesToNewGeneration()
    {
        var (_, _, pair) = await _api.NewUserAsync();

        var next = await _api.RefreshAsync(pair.RefreshToken!);

        Assert.Equal(pair.SessionId, next.SessionId);
        Assert.NotEqual(BatonApi.Claim(pair.RefreshToken!, "jti"), BatonApi.Claim(next.RefreshToken!, "jti"));
        using var me = await _api.GetAsync("/v1/me", next.AccessToken);
        Assert.Equal(HttpStatusCode.OK, me.StatusCode);
    }

    [Fact]
    public async Task Logout_EndsSession_TokensRefusedWithReasonLogout()
    {
        var (_, _, pair) = await _api.NewUserAsync();

        using var logout = await _api.PostJsonAsync("/v1/auth/logout", null, pair.AccessToken);
        Assert.Equal(HttpStatusCode.NoContent, logout.StatusCode);

        using var me = await _api.GetAsync("/v1/me", pair.AccessToken);
        await BatonApi.AssertProblemAsync(me, HttpStatusCode.Unauthorized, "session_ended", "logout");
        using var refresh = await _api.RefreshRawAsync(pair.RefreshToken);
        await BatonApi.AssertProblemAsync(refresh, HttpStatusCode.Unauthorized, "session_ended", "logout");
    }

    [Fact]
    public async Task LogoutAll_EndsEverySession()
    {
        var (_, username, first) = await _api.NewUserAsync(new { id = "laptop", type = "desktop" });
        var second = await _api.LoginAsync(username, device: new { id = "phone", type = "mobile" });

        using var all = await _api.PostJsonAsync("/v1/auth/logout-all", null, second.AccessToken);
        Assert.Equal(HttpStatusCode.NoContent, all.StatusCode);

        using var refreshSecond = await _api.RefreshRawAsync(second.RefreshToken);
        await BatonApi.AssertProblemAsync(refreshSecond, HttpStatusCode.Unauthorized, "session_ended", "logout");
        using var meFirst = await _api.GetAsync("/v1/me", first.AccessToken);
        await BatonApi.AssertProblemAsync(meFirst, HttpStatusCode.Unauthorized, "session_ended");
    }

    [Fact]
    public async Task Login_WrongPassword_And_UnknownUser_AnswerTheSame()
    {
        var (_, username, _) = await _api.NewUserAsync();

        using var wrong = await _api.LoginRawAsync(username, "not the password at all");
        using var unknown = await _api.LoginRawAsync("nobody-" + Guid.NewGuid().ToString("N"), "not the password at all");

        var wrongJson = await BatonApi.AssertProblemAsync(wrong, HttpStatusCode.Unauthorized, "invalid_credentials");
        var unknownJson = await BatonApi.AssertProblemAsync(unknown, HttpStatusCode.Unauthorized, "invalid_credentials");
        Assert.Equal(wrongJson.GetProperty("detail").GetString(), unknownJson.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Register_TakenUsername_IsFieldError()
    {
        var (_, username, _) = await _api.NewUserAsync();

        using var again = await _api.PostJsonAsync("/v1/users", new { username = username.ToUpperInvariant(), password = BatonApi.Password });

        var json = await BatonApi.AssertProblemAsync(again, HttpStatusCode.BadRequest, "invalid_request");
        Assert.True(json.GetProperty("errors").TryGetProperty("username", out _));
    }

    [Fact]
    public async Task Register_ShortPassword_IsFieldError()
    {
        using var response = await _api.PostJsonAsync("/v1/users", new { username = "short-pw-" + Guid.NewGuid().ToString("N")[..6], password = "short" });

        var json = await BatonApi.AssertProblemAsync(response, HttpStatusCode.BadRequest, "invalid_request");
        Assert.True(json.GetProperty("errors").TryGetProperty("password", out _));
    }

    [Fact]
    public async Task ChangePassword_EndsOtherSessions_KeepsCurrent()
    {
        var (_, username, laptop) = await _api.NewUserAsync(new { id = "laptop", type = "desktop" });
        var phone = await _api.LoginAsync(username, device: new { id = "phone", type = "mobile" });
        const string newPassword = "an entirely new passphrase";

        using var change = await _api.PostJsonAsync("/v1/me/password", new { current_password = BatonApi.Password, new_password = newPassword }, phone.AccessToken);
        Assert.Equal(HttpStatusCode.NoContent, change.StatusCode);

        using var laptopRefresh = await _api.RefreshRawAsync(laptop.RefreshToken);
        await BatonApi.AssertProblemAsync(laptopRefresh, HttpStatusCode.Unauthorized, "session_ended", "password_changed");
        using var phoneMe = await _api.GetAsync("/v1/me", phone.AccessToken);
        Assert.Equal(HttpStatusCode.OK, phoneMe.StatusCode);
        using var oldLogin = await _api.LoginRawAsync(username);
        await BatonApi.AssertProblemAsync(oldLogin, HttpStatusCode.Unauthorized, "invalid_credentials");
        using var newLogin = await _api.LoginRawAsync(username, newPassword, new { id = "phone", type = "mobile" });
        Assert.Equal(HttpStatusCode.OK, newLogin.StatusCode);
    }

    [Fact]
    public async Task ChangePassword_WrongCurrentPassword_IsRefused()
    {
        var (_, _, pair) = await _api.NewUserAsync();

        using var change = await _api.PostJsonAsync("/v1/me/password", new { current_password = "not my password", new_password = "an entirely new passphrase" }, pair.AccessToken);

        Assert.Equal(HttpStatusCode.Unauthorized, change.StatusCode);
        using var me = await _api.GetAsync("/v1/me", pair.AccessToken);
        Assert.Equal(HttpStatusCode.OK, me.StatusCode);
    }

    [Fact]
    public async Task MySessions_ListsDevicesAndMarksCurrent_RevokeOneEndsIt()
    {
        var (_, username, laptop) = await _api.NewUserAsync(new { id = "laptop", type = "desktop", name = "Work laptop" });
        var phone = await _api.LoginAsync(username, device: new { id = "phone", type = "mobile", name = "Pixel" });

        using var list = await _api.GetAsync("/v1/me/sessions", phone.AccessToken);
        Assert.Equal(HttpStatusCode.OK, list.StatusCode);
        var sessions = (await BatonApi.JsonOf(list)).EnumerateArray().ToArray();
        Assert.Equal(2, sessions.Length);
        var current = Assert.Single(sessions, s => s.GetProperty("current").GetBoolean());
        Assert.Equal(phone.SessionId, current.GetProperty("session_id").GetString());
        Assert.Contains(sessions, s => s.GetProperty("device").GetProperty("name").GetString() == "Work laptop");

        using var revoke = await _api.DeleteAsync($"/v1/me/sessions/{laptop.SessionId}", phone.AccessToken);
        Assert.Equal(HttpStatusCode.NoContent, revoke.StatusCode);
        using var laptopMe = await _api.GetAsync("/v1/me", laptop.AccessToken);
        await BatonApi.AssertProblemAsync(laptopMe, HttpStatusCode.Unauthorized, "session_ended", "revoked");

        using var unknown = await _api.DeleteAsync("/v1/me/sessions/does-not-exist", phone.AccessToken);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
    }

    [Fact]
    public async Task Health_LiveAndReady_AreHealthy()
    {
        using var live = await _api.GetAsync("/health/live");
        using var ready = await _api.GetAsync("/health/ready");

        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
    }

    [Fact]
    public async Task Metrics_AfterLogin_ExposesPrometheusCounters()
    {
        await _api.NewUserAsync();

        using var metrics = await _api.GetAsync("/metrics");

        Assert.Equal(HttpStatusCode.OK, metrics.StatusCode);
        var text = await metrics.Content.ReadAsStringAsync();
        Assert.Contains("baton_logins", text, StringComparison.Ordinal);
        Assert.Contains("baton_session_events", text, StringComparison.Ordinal);
    }
}
