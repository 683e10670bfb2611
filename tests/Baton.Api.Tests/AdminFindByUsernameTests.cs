using System.Net;
using static Baton.Api.Tests.ApiKeyHeaders;

namespace Baton.Api.Tests;

/// <summary><c>GET /v1/admin/users?username=</c>: how the admin console finds a user by name.</summary>
public sealed class AdminFindByUsernameTests(BatonFactory factory) : IClassFixture<BatonFactory>
{
    private readonly BatonApi _api = BatonApi.For(factory);

    [Fact]
    public async Task FindByUsername_KnownName_AnswersTheUserAsByItsId()
    {
        var (userId, username, _) = await _api.NewUserAsync();

        using var found = await _api.GetAsync($"/v1/admin/users?username={Uri.EscapeDataString(username)}", headers: AdminKey);

        Assert.Equal(HttpStatusCode.OK, found.StatusCode);
        var user = await BatonApi.JsonOf(found);
        Assert.Equal(userId, user.GetProperty("user_id").GetString());
        Assert.Equal(1, user.GetProperty("active_sessions").GetInt32());
    }

    [Fact]
    public async Task FindByUsername_CompatibilityForm_FindsTheSameAccount()
    {
        var (userId, username, _) = await _api.NewUserAsync();

        // Fullwidth letters are the same username after NFKC (SECURITY.md 46).
        var fullwidth = string.Concat(username.Select(c => c is >= 'a' and <= 'z' ? (char)(c - 'a' + 'ａ') : c));
        using var found = await _api.GetAsync($"/v1/admin/users?username={Uri.EscapeDataString(fullwidth)}", headers: AdminKey);

        Assert.Equal(HttpStatusCode.OK, found.StatusCode);
        Assert.Equal(userId, (await BatonApi.JsonOf(found)).GetProperty("user_id").GetString());
    }

    [Fact]
    public async Task FindByUsername_UnknownName_Is404()
    {
        using var found = await _api.GetAsync("/v1/admin/users?username=nobody-by-this-name", headers: AdminKey);

        await BatonApi.AssertProblemAsync(found, HttpStatusCode.NotFound, "not_found");
    }

    [Theory]
    [InlineData("")]
    [InlineData("?username=")]
    [InlineData("?username=a%E2%80%8Bb")]
    public async Task FindByUsername_MissingOrInvalidName_Is400(string query)
    {
        using var found = await _api.GetAsync($"/v1/admin/users{query}", headers: AdminKey);

        await BatonApi.AssertProblemAsync(found, HttpStatusCode.BadRequest, "invalid_request");
    }

    [Fact]
    public async Task FindByUsername_WithoutAdminRights_Is403()
    {
        var (_, username, pair) = await _api.NewUserAsync();

        using var found = await _api.GetAsync($"/v1/admin/users?username={username}", pair.AccessToken);

        Assert.Equal(HttpStatusCode.Forbidden, found.StatusCode);
    }
}
