using System.Net;
using static Baton.Api.Tests.ApiKeyHeaders;

namespace Baton.Api.Tests;

/// <summary>SECURITY.md 44: a <c>sessions:issue</c> key grants no role Baton reads and signs in as no local account.</summary>
public sealed class IssueSessionPrivilegeTests(SingleDeviceFactory factory) : IClassFixture<SingleDeviceFactory>
{
    private readonly BatonApi _api = BatonApi.For(factory);

    [Fact]
    public async Task IssueSession_WithAdminRole_IsForbidden()
    {
        const string user = "backend-user-1";

        using var issued = await _api.PostJsonAsync("/v1/sessions", new { user_id = user, roles = new[] { "admin" } }, headers: IssueKey);

        await BatonApi.AssertProblemAsync(issued, HttpStatusCode.Forbidden, "forbidden");
        // Nothing was started: Baton has never seen the id.
        using var seen = await _api.GetAsync($"/v1/admin/users/{user}", headers: AdminKey);
        Assert.Equal(HttpStatusCode.NotFound, seen.StatusCode);
    }

    [Theory]
    [InlineData("Admin")]
    [InlineData("ADMIN")]
    [InlineData(" admin")]
    [InlineData("admin\t")]
    [InlineData("ad\u200Bmin")] // zero-width space
    [InlineData("\uFEFFadmin")] // byte order mark
    [InlineData("admin\u00AD")] // soft hyphen
    [InlineData("admin\u0000")]
    [InlineData("\u3164admin")] // Hangul filler
    [InlineData("\uFF41\uFF44\uFF4D\uFF49\uFF4E")] // fullwidth
    [InlineData("adm\u00EDn")] // i with acute, precomposed
    [InlineData("admi\u0301n")] // i with a combining acute
    [InlineData("adm\u0131n")] // dotless i
    [InlineData("ADM\u0130N")] // dotted capital I
    [InlineData("\u1D43dmin")] // modifier letter small a
    [InlineData("\u0430dmin")] // Cyrillic a
    [InlineData("\u0430\u0501\u043C\u0456\u043F")] // all Cyrillic look-alikes
    [InlineData("\uD835\uDC1A\uD835\uDC1D\uD835\uDC26\uD835\uDC22\uD835\uDC27")] // mathematical bold
    public async Task IssueSession_WithAdminRoleVariant_IsForbidden(string role)
    {
        using var issued = await _api.PostJsonAsync("/v1/sessions", new { user_id = "backend-user-2", roles = new[] { "editor", role } }, headers: IssueKey);

        await BatonApi.AssertProblemAsync(issued, HttpStatusCode.Forbidden, "forbidden");
    }

    [Fact]
    public async Task IssueSession_WithBackendRolesOnly_IsIssued_AndGetsNoAdminAccess()
    {
        using var issued = await _api.PostJsonAsync("/v1/sessions", new { user_id = "backend-user-3", roles = new[] { "editor", "administrator" } }, headers: IssueKey);
        Assert.Equal(HttpStatusCode.OK, issued.StatusCode);
        var pair = Pair.Of(await BatonApi.JsonOf(issued));

        using var keys = await _api.GetAsync("/v1/admin/keys", pair.AccessToken);
        using var kick = await _api.PostJsonAsync("/v1/admin/users/backend-user-3/kick", null, pair.AccessToken);

        Assert.Contains("administrator", BatonApi.Claim(pair.AccessToken, "roles"), StringComparison.Ordinal);
        await BatonApi.AssertProblemAsync(keys, HttpStatusCode.Forbidden, "forbidden");
        await BatonApi.AssertProblemAsync(kick, HttpStatusCode.Forbidden, "forbidden");
    }

    [Fact]
    public async Task IssueSession_ForLocalAccountId_IsRefused()
    {
        var (userId, _, pair) = await _api.NewUserAsync();

        using var issued = await _api.PostJsonAsync("/v1/sessions", new { user_id = userId }, headers: IssueKey);

        await BatonApi.AssertProblemAsync(issued, HttpStatusCode.Conflict, "user_id_taken");
        // Single-device policy: had it been issued, the user's own session would have been replaced.
        using var me = await _api.GetAsync("/v1/me", pair.AccessToken);
        Assert.Equal(HttpStatusCode.OK, me.StatusCode);
    }

    [Fact]
    public async Task IssueSession_ForAdminAccountId_IsRefused_AdminStaysSignedIn()
    {
        var admin = await _api.AdminTokenAsync();
        using var meBefore = await _api.GetAsync("/v1/me", admin);
        var adminId = (await BatonApi.JsonOf(meBefore)).GetProperty("id").GetString()!;

        using var issued = await _api.PostJsonAsync("/v1/sessions", new { user_id = adminId }, headers: IssueKey);

        await BatonApi.AssertProblemAsync(issued, HttpStatusCode.Conflict, "user_id_taken");
        using var keys = await _api.GetAsync("/v1/admin/keys", admin);
        Assert.Equal(HttpStatusCode.OK, keys.StatusCode);
    }
}
