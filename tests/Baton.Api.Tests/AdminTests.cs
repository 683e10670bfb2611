using System.Net;
using static Baton.Api.Tests.ApiKeyHeaders;

namespace Baton.Api.Tests;

public sealed class AdminTests(BatonFactory factory) : IClassFixture<BatonFactory>
{
    private readonly BatonApi _api = BatonApi.For(factory);

    [Fact]
    public async Task Kick_ByAdminUser_EndsEverySession_TokensRefusedWithKicked()
    {
        var (userId, username, laptop) = await _api.NewUserAsync(new { id = "laptop", type = "desktop" });
        var phone = await _api.LoginAsync(username, device: new { id = "phone", type = "mobile" });
        var admin = await _api.AdminTokenAsync();

        using var kick = await _api.PostJsonAsync($"/v1/admin/users/{userId}/kick", null, admin);

        Assert.Equal(HttpStatusCode.OK, kick.StatusCode);
        Assert.Equal(2, (await BatonApi.JsonOf(kick)).GetProperty("ended").GetInt32());
        using var laptopMe = await _api.GetAsync("/v1/me", laptop.AccessToken);
        await BatonApi.AssertProblemAsync(laptopMe, HttpStatusCode.Unauthorized, "session_ended", "kicked");
        using var phoneRefresh = await _api.RefreshRawAsync(phone.RefreshToken);
        await BatonApi.AssertProblemAsync(phoneRefresh, HttpStatusCode.Unauthorized, "session_ended", "kicked");
    }

    [Fact]
    public async Task Kick_ByApiKeyWithAdminScope_Works()
    {
        var (userId, _, pair) = await _api.NewUserAsync();

        using var kick = await _api.PostJsonAsync($"/v1/admin/users/{userId}/kick", null, headers: AdminKey);

        Assert.Equal(HttpStatusCode.OK, kick.StatusCode);
        using var me = await _api.GetAsync("/v1/me", pair.AccessToken);
        await BatonApi.AssertProblemAsync(me, HttpStatusCode.Unauthorized, "session_ended", "kicked");
    }

    [Fact]
    public async Task Kick_RacingRefreshes_LeavesNothingUsable()
    {
        var (userId, _, pair) = await _api.NewUserAsync();
        var admin = await _api.AdminTokenAsync();

        var refreshes = Enumerable.Range(0, 10).Select(_ => _api.RefreshRawAsync(pair.RefreshToken)).ToList();
        var kick = _api.PostJsonAsync($"/v1/admin/users/{userId}/kick", null, admin);
        var responses = await Task.WhenAll(refreshes);
        using var kicked = await kick;
        Assert.Equal(HttpStatusCode.OK, kicked.StatusCode);

        foreach (var response in responses.Where(r => r.StatusCode == HttpStatusCode.OK))
        {
            var minted = Pair.Of(await BatonApi.JsonOf(response));
            using var me = await _api.GetAsync("/v1/me", minted.AccessToken);
            await BatonApi.AssertProblemAsync(me, HttpStatusCode.Unauthorized, "session_ended", "kicked");
            using var refresh = await _api.RefreshRawAsync(minted.RefreshToken);
            await BatonApi.AssertProblemAsync(refresh, HttpStatusCode.Unauthorized, "session_ended", "kicked");
        }

        foreach (var response in responses)
        {
            response.Dispose();
        }
    }

    [Fact]
    public async Task ListSessions_ShowsActiveAndEndedWithReason()
    {
        var (userId, username, first) = await _api.NewUserAsync(new { id = "laptop", type = "desktop" });
        await _api.LoginAsync(username, device: new { id = "phone", type = "mobile" });
        using var logout = await _api.PostJsonAsync("/v1/auth/logout", null, first.AccessToken);

        using var list = await _api.GetAsync($"/v1/admin/users/{userId}/sessions", headers: AdminKey);

        Assert.Equal(HttpStatusCode.OK, list.StatusCode);
        var sessions = (await BatonApi.JsonOf(list)).EnumerateArray().ToArray();
        Assert.Equal(2, sessions.Length);
        var ended = Assert.Single(sessions, s => s.GetProperty("state").GetString() == "ended");
        Assert.Equal("logout", ended.GetProperty("end_reason").GetString());
    }

    [Fact]
    public async Task RevokeOne_EndsOnlyThatSession()
    {
        var (userId, username, laptop) = await _api.NewUserAsync(new { id = "laptop", type = "desktop" });
        var phone = await _api.LoginAsync(username, device: new { id = "phone", type = "mobile" });

        using var revoke = await _api.DeleteAsync($"/v1/admin/users/{userId}/sessions/{laptop.SessionId}", headers: AdminKey);

        Assert.Equal(HttpStatusCode.NoContent, revoke.StatusCode);
        using var laptopMe = await _api.GetAsync("/v1/me", laptop.AccessToken);
        await BatonApi.AssertProblemAsync(laptopMe, HttpStatusCode.Unauthorized, "session_ended", "revoked");
        using var phoneMe = await _api.GetAsync("/v1/me", phone.AccessToken);
        Assert.Equal(HttpStatusCode.OK, phoneMe.StatusCode);
        using var unknown = await _api.DeleteAsync($"/v1/admin/users/{userId}/sessions/nope", headers: AdminKey);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
    }

    [Fact]
    public async Task AdminEndpoints_OrdinaryUser_Forbidden()
    {
        var (userId, _, pair) = await _api.NewUserAsync();

        using var kick = await _api.PostJsonAsync($"/v1/admin/users/{userId}/kick", null, pair.AccessToken);

        await BatonApi.AssertProblemAsync(kick, HttpStatusCode.Forbidden, "forbidden");
    }

    [Fact]
    public async Task AdminEndpoints_ApiKeyWithoutAdminScope_Forbidden()
    {
        using var kick = await _api.PostJsonAsync("/v1/admin/users/someone/kick", null, headers: IssueKey);

        await BatonApi.AssertProblemAsync(kick, HttpStatusCode.Forbidden, "forbidden");
    }

    [Fact]
    public async Task AdminEndpoints_UnknownApiKey_Unauthorized()
    {
        using var kick = await _api.PostJsonAsync("/v1/admin/users/someone/kick", null, headers: new Dictionary<string, string> { ["X-Api-Key"] = "not-a-key" });

        await BatonApi.AssertProblemAsync(kick, HttpStatusCode.Unauthorized, "invalid_token", bearerChallenge: false);
    }

    [Fact]
    public async Task IssueSession_ForBackendUserId_ReturnsWorkingPairWithRoles()
    {
        using var issued = await _api.PostJsonAsync("/v1/sessions", new { user_id = "backend-user-42", roles = new[] { "editor" }, device = new { id = "svc", type = "web" } }, headers: IssueKey);

        Assert.Equal(HttpStatusCode.OK, issued.StatusCode);
        var pair = Pair.Of(await BatonApi.JsonOf(issued));
        Assert.Equal("backend-user-42", BatonApi.Claim(pair.AccessToken, "sub"));
        Assert.Contains("editor", BatonApi.Claim(pair.AccessToken, "roles"), StringComparison.Ordinal);
        using var me = await _api.GetAsync("/v1/me", pair.AccessToken);
        Assert.Equal(HttpStatusCode.OK, me.StatusCode);
        var refreshed = await _api.RefreshAsync(pair.RefreshToken!);
        Assert.Equal(pair.SessionId, refreshed.SessionId);
    }

    [Fact]
    public async Task IssueSession_WithoutIssueScope_Forbidden_AndMissingUserId_Invalid()
    {
        using var wrongScope = await _api.PostJsonAsync("/v1/sessions", new { user_id = "u1" }, headers: AdminKey);
        await BatonApi.AssertProblemAsync(wrongScope, HttpStatusCode.Forbidden, "forbidden");

        using var missing = await _api.PostJsonAsync("/v1/sessions", new { roles = new[] { "x" } }, headers: IssueKey);
        var json = await BatonApi.AssertProblemAsync(missing, HttpStatusCode.BadRequest, "invalid_request");
        Assert.True(json.GetProperty("errors").TryGetProperty("user_id", out _));
    }
}
