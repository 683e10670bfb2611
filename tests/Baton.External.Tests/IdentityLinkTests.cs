using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Baton.Core.Audit;
using Baton.Core.Ledgers;
using Baton.Grains;
using Microsoft.Extensions.DependencyInjection;

namespace Baton.External.Tests;

/// <summary>Linking and unlinking providers (GET/POST/DELETE /v1/me/identities), and their audit events.</summary>
public sealed class IdentityLinkTests(ExternalFixture fixture) : IClassFixture<ExternalFixture>
{
    private const string Password = "correct horse battery staple";
    private const string SettingsPage = "https://app.example/settings/identities";

    private FakeProvider Provider => fixture.Provider;

    [Fact]
    public async Task LinkIdentity_SecondProvider_LinksItAndSignsInTheSameUser()
    {
        using var browser = fixture.Baton.NewBrowser();
        Provider.SignInAs = new FakeUser("3001", "linker", null);
        var pair = await browser.SignInWithCodeAsync("gitee");
        var access = pair.GetProperty("access_token").GetString()!;
        var userId = await UserIdOf(browser, access);

        Provider.SignInAs = new FakeUser("corp-3001", "linker-at-corp", "linker@corp.example");
        using var linked = await LinkAsync(browser, access, "corp");

        Assert.Equal(HttpStatusCode.Redirect, linked.StatusCode);
        Assert.Equal(SettingsPage + "?linked=corp", linked.Headers.Location!.AbsoluteUri);
        var providers = (await ListAsync(browser, access)).GetProperty("identities").EnumerateArray().Select(i => i.GetProperty("provider").GetString()!).ToArray();
        Assert.Equal(new[] { "gitee", "corp" }, providers);

        using var other = fixture.Baton.NewBrowser();
        var viaCorp = await other.SignInWithCodeAsync("corp");
        Assert.Equal(userId, await UserIdOf(other, viaCorp.GetProperty("access_token").GetString()!));
    }

    [Fact]
    public async Task LinkIdentity_IdentityOfAnotherUser_AnswersIdentityTakenAndChangesNothing()
    {
        using var owner = fixture.Baton.NewBrowser();
        Provider.SignInAs = new FakeUser("3002", "owner", null);
        var ownerId = await UserIdOf(owner, (await owner.SignInWithCodeAsync("gitee")).GetProperty("access_token").GetString()!);
        var (_, access) = await PasswordUserAsync(owner);

        using var linked = await LinkAsync(owner, access, "gitee");

        Assert.Equal(HttpStatusCode.Conflict, linked.StatusCode);
        Assert.Equal("identity_taken", await Browser.CodeOfProblem(linked));
        Assert.Equal(ownerId, await Identity("gitee:3002").GetUserAsync());
        Assert.Empty((await ListAsync(owner, access)).GetProperty("identities").EnumerateArray());
    }

    [Fact]
    public async Task LinkIdentity_SecondIdentityOfSameProvider_AnswersProviderAlreadyLinked()
    {
        using var browser = fixture.Baton.NewBrowser();
        Provider.SignInAs = new FakeUser("3003", "one-gitee", null);
        var access = (await browser.SignInWithCodeAsync("gitee")).GetProperty("access_token").GetString()!;

        Provider.SignInAs = new FakeUser("3004", "another-gitee", null);
        using var linked = await LinkAsync(browser, access, "gitee");

        Assert.Equal(HttpStatusCode.Conflict, linked.StatusCode);
        Assert.Equal("provider_already_linked", await Browser.CodeOfProblem(linked));
        Assert.Null(await Identity("gitee:3004").GetUserAsync());
    }

    [Fact]
    public async Task LinkIdentity_SessionEndedBeforeCallback_AnswersSessionEndedAndLinksNothing()
    {
        using var browser = fixture.Baton.NewBrowser();
        var (_, access) = await PasswordUserAsync(browser);
        using var started = await browser.SendAsync(HttpMethod.Post, "/v1/me/identities", access, new { provider = "gitee", return_to = SettingsPage });
        Assert.Equal(HttpStatusCode.OK, started.StatusCode);
        var url = new Uri((await Browser.JsonOf(started)).GetProperty("authorization_url").GetString()!);
        using var logout = await browser.SendAsync(HttpMethod.Post, "/v1/auth/logout", access);
        Assert.Equal(HttpStatusCode.NoContent, logout.StatusCode);

        Provider.SignInAs = new FakeUser("3005", "late-linker", null);
        using var callback = await browser.CallbackAsync(await Browser.AuthorizeAsync(url));

        Assert.Equal(HttpStatusCode.Unauthorized, callback.StatusCode);
        Assert.Equal("session_ended", await Browser.CodeOfProblem(callback));
        Assert.Null(await Identity("gitee:3005").GetUserAsync());
    }

    [Fact]
    public async Task UnlinkIdentity_LastWayToSignIn_AnswersConflictUntilAnotherIsLinked()
    {
        using var browser = fixture.Baton.NewBrowser();
        Provider.SignInAs = new FakeUser("3006", "only-external", null);
        var access = (await browser.SignInWithCodeAsync("gitee")).GetProperty("access_token").GetString()!;
        var userId = await UserIdOf(browser, access);

        using var refused = await browser.SendAsync(HttpMethod.Delete, "/v1/me/identities/gitee", access);
        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        Assert.Equal("last_sign_in_method", await Browser.CodeOfProblem(refused));
        Assert.Equal(userId, await Identity("gitee:3006").GetUserAsync());

        Provider.SignInAs = new FakeUser("corp-3006", "only-external", null);
        using var linked = await LinkAsync(browser, access, "corp");
        Assert.Equal(HttpStatusCode.Redirect, linked.StatusCode);
        using var unlinked = await browser.SendAsync(HttpMethod.Delete, "/v1/me/identities/gitee", access);
        Assert.Equal(HttpStatusCode.NoContent, unlinked.StatusCode);

        Assert.Null(await Identity("gitee:3006").GetUserAsync());
        var left = Assert.Single((await ListAsync(browser, access)).GetProperty("identities").EnumerateArray());
        Assert.Equal("corp", left.GetProperty("provider").GetString());
        using var lastOne = await browser.SendAsync(HttpMethod.Delete, "/v1/me/identities/corp", access);
        Assert.Equal(HttpStatusCode.Conflict, lastOne.StatusCode);
    }

    [Fact]
    public async Task UnlinkIdentity_UserWithPassword_UnlinksTheOnlyIdentity()
    {
        using var browser = fixture.Baton.NewBrowser();
        var (_, access) = await PasswordUserAsync(browser);
        Provider.SignInAs = new FakeUser("3007", "has-password", null);
        using var linked = await LinkAsync(browser, access, "gitee");
        Assert.Equal(HttpStatusCode.Redirect, linked.StatusCode);
        Assert.True((await ListAsync(browser, access)).GetProperty("has_password").GetBoolean());

        using var unlinked = await browser.SendAsync(HttpMethod.Delete, "/v1/me/identities/gitee", access);
        using var again = await browser.SendAsync(HttpMethod.Delete, "/v1/me/identities/gitee", access);

        Assert.Equal(HttpStatusCode.NoContent, unlinked.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, again.StatusCode);
        Assert.Null(await Identity("gitee:3007").GetUserAsync());
    }

    [Fact]
    public async Task ExternalSignInLinkAndUnlink_Audited()
    {
        using var browser = fixture.Baton.NewBrowser();
        var (userId, access) = await PasswordUserAsync(browser);
        Provider.SignInAs = new FakeUser("3008", "audited", null);
        using var linked = await LinkAsync(browser, access, "gitee");
        Assert.Equal(HttpStatusCode.Redirect, linked.StatusCode);
        using var other = fixture.Baton.NewBrowser();
        var viaGitee = await other.SignInWithCodeAsync("gitee");
        using var unlinked = await other.SendAsync(HttpMethod.Delete, "/v1/me/identities/gitee", viaGitee.GetProperty("access_token").GetString()!);
        Assert.Equal(HttpStatusCode.NoContent, unlinked.StatusCode);

        var audit = fixture.Baton.Services.GetRequiredService<IAuditLog>();
        await Eventually.UntilAsync(async () => (await audit.ReadAsync(userId, 100, CancellationToken.None)).Any(e => e.Kind == LedgerEventKind.IdentityUnlinked));
        var kinds = (await audit.ReadAsync(userId, 100, CancellationToken.None)).Select(e => e.Kind).ToArray();
        Assert.Contains(LedgerEventKind.IdentityLinked, kinds);
        Assert.Contains(LedgerEventKind.ExternalSignIn, kinds);
        var signIn = (await audit.ReadAsync(userId, 100, CancellationToken.None)).Single(e => e.Kind == LedgerEventKind.ExternalSignIn);
        Assert.Equal(viaGitee.GetProperty("session_id").GetString(), signIn.SessionId);
    }

    private IExternalIdentityGrain Identity(string key) => fixture.Baton.Services.GetRequiredService<IGrainFactory>().GetGrain<IExternalIdentityGrain>(key);

    /// <summary>POST /v1/me/identities, then the provider, then the callback: Baton's answer to the callback.</summary>
    private static async Task<HttpResponseMessage> LinkAsync(Browser browser, string access, string provider)
    {
        using var started = await browser.SendAsync(HttpMethod.Post, "/v1/me/identities", access, new { provider, return_to = SettingsPage });
        Assert.Equal(HttpStatusCode.OK, started.StatusCode);
        var url = new Uri((await Browser.JsonOf(started)).GetProperty("authorization_url").GetString()!);
        return await browser.CallbackAsync(await Browser.AuthorizeAsync(url));
    }

    private static async Task<JsonElement> ListAsync(Browser browser, string access)
    {
        using var response = await browser.SendAsync(HttpMethod.Get, "/v1/me/identities", access);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await Browser.JsonOf(response);
    }

    private static async Task<(string UserId, string Access)> PasswordUserAsync(Browser browser)
    {
        var username = "local-" + Guid.NewGuid().ToString("N")[..10];
        using var registered = await browser.Baton.PostAsJsonAsync("/v1/users", new { username, password = Password });
        Assert.Equal(HttpStatusCode.Created, registered.StatusCode);
        using var login = await browser.Baton.PostAsJsonAsync("/v1/auth/login", new { username, password = Password });
        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        var access = (await Browser.JsonOf(login)).GetProperty("access_token").GetString()!;
        return (await UserIdOf(browser, access), access);
    }

    private static async Task<string> UserIdOf(Browser browser, string access)
    {
        using var me = await browser.SendAsync(HttpMethod.Get, "/v1/me", access);
        Assert.Equal(HttpStatusCode.OK, me.StatusCode);
        return (await Browser.JsonOf(me)).GetProperty("id").GetString()!;
    }
}
