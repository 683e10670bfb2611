using System.Net;
using Baton.Grains;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.DependencyInjection;

namespace Baton.External.Tests;

/// <summary>Every bad input of an external sign-in gets a clear answer and changes nothing.</summary>
public sealed class ExternalBadInputTests(ExternalFixture fixture) : IClassFixture<ExternalFixture>
{
    private FakeProvider Provider => fixture.Provider;

    [Fact]
    public async Task Callback_WithoutFlowCookie_AnswersInvalidStateWithoutCallingTheProvider()
    {
        Provider.SignInAs = new FakeUser("4001", "no-cookie", null);
        using var starter = fixture.Baton.NewBrowser();
        using var started = await starter.StartAsync("gitee");
        var callback = await Browser.AuthorizeAsync(started.Headers.Location!);
        var issued = Provider.TokensIssued;

        using var other = fixture.Baton.NewBrowser();
        using var response = await other.CallbackAsync(callback);

        await AssertRefusedAsync(response, HttpStatusCode.BadRequest, "invalid_state", "gitee:4001");
        Assert.Equal(issued, Provider.TokensIssued);
    }

    [Fact]
    public async Task Callback_ForeignState_AnswersInvalidState()
    {
        // An attacker's own callback (its code and state) pushed into the victim's browser, which has a flow of its own.
        Provider.SignInAs = new FakeUser("4002", "attacker", null);
        using var attacker = fixture.Baton.NewBrowser();
        using var attackerStart = await attacker.StartAsync("gitee");
        var attackerCallback = await Browser.AuthorizeAsync(attackerStart.Headers.Location!);
        using var victim = fixture.Baton.NewBrowser();
        using var victimStart = await victim.StartAsync("gitee");

        using var response = await victim.CallbackAsync(attackerCallback);

        await AssertRefusedAsync(response, HttpStatusCode.BadRequest, "invalid_state", "gitee:4002");
    }

    [Fact]
    public async Task Callback_MissingState_AnswersInvalidState()
    {
        Provider.SignInAs = new FakeUser("4003", "no-state", null);
        using var browser = fixture.Baton.NewBrowser();
        using var started = await browser.StartAsync("gitee");
        var callback = await Browser.AuthorizeAsync(started.Headers.Location!);
        var code = QueryHelpers.ParseQuery(callback.Query)["code"].ToString();

        using var response = await browser.Baton.GetAsync($"/v1/auth/external/gitee/callback?code={code}");

        await AssertRefusedAsync(response, HttpStatusCode.BadRequest, "invalid_state", "gitee:4003");
    }

    [Fact]
    public async Task Callback_StateOfAnotherProvider_AnswersInvalidState()
    {
        Provider.SignInAs = new FakeUser("4004", "crossed", null);
        using var browser = fixture.Baton.NewBrowser();
        using var started = await browser.StartAsync("gitee");
        var callback = await Browser.AuthorizeAsync(started.Headers.Location!);

        using var response = await browser.Baton.GetAsync(callback.PathAndQuery.Replace("/gitee/", "/strict/", StringComparison.Ordinal));

        await AssertRefusedAsync(response, HttpStatusCode.BadRequest, "invalid_state", "strict:4004");
    }

    [Fact]
    public async Task Callback_Replayed_AnswersInvalidState()
    {
        Provider.SignInAs = new FakeUser("4005", "replayer", null);
        using var browser = fixture.Baton.NewBrowser();
        using var started = await browser.StartAsync("gitee");
        var callback = await Browser.AuthorizeAsync(started.Headers.Location!);
        using var first = await browser.CallbackAsync(callback);
        Assert.Equal(HttpStatusCode.Redirect, first.StatusCode);
        var issued = Provider.TokensIssued;

        using var replay = await browser.CallbackAsync(callback);

        Assert.Equal(HttpStatusCode.BadRequest, replay.StatusCode);
        Assert.Equal("invalid_state", await Browser.CodeOfProblem(replay));
        Assert.Equal(issued, Provider.TokensIssued);
    }

    [Fact]
    public async Task Exchange_ReplayedCode_AnswersInvalidCode()
    {
        Provider.SignInAs = new FakeUser("4006", "code-replayer", null);
        using var browser = fixture.Baton.NewBrowser();
        using var callback = await browser.SignInAsync("gitee");
        var code = Browser.CodeOf(callback);
        using var first = await browser.ExchangeAsync(code);
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);

        using var replay = await browser.ExchangeAsync(code);
        using var unknown = await browser.ExchangeAsync("not-a-code-anyone-was-given");
        using var empty = await browser.ExchangeAsync("");

        Assert.Equal(HttpStatusCode.BadRequest, replay.StatusCode);
        Assert.Equal("invalid_code", await Browser.CodeOfProblem(replay));
        Assert.Equal("invalid_code", await Browser.CodeOfProblem(unknown));
        Assert.Equal(HttpStatusCode.BadRequest, empty.StatusCode);
        Assert.Equal("invalid_request", await Browser.CodeOfProblem(empty));
    }

    [Fact]
    public async Task Callback_ProviderAnswersAccessDenied_AnswersProviderDenied()
    {
        Provider.SignInAs = new FakeUser("4007", "denier", null);
        Provider.Deny = true;
        try
        {
            using var browser = fixture.Baton.NewBrowser();
            using var response = await browser.SignInAsync("gitee");

            await AssertRefusedAsync(response, HttpStatusCode.Forbidden, "provider_denied", "gitee:4007");
            Assert.Contains("access_denied", (await Browser.JsonOf(response)).GetProperty("detail").GetString(), StringComparison.Ordinal);
        }
        finally
        {
            Provider.Deny = false;
        }
    }

    [Theory]
    [InlineData(TokenFault.Hang)]
    [InlineData(TokenFault.Garbage)]
    public async Task Callback_TokenEndpointFails_AnswersProviderFailed(TokenFault fault)
    {
        Provider.SignInAs = new FakeUser("4008", "unlucky", null);
        Provider.TokenFault = fault;
        try
        {
            using var browser = fixture.Baton.NewBrowser();
            using var response = await browser.SignInAsync("gitee");

            await AssertRefusedAsync(response, HttpStatusCode.BadGateway, "provider_failed", "gitee:4008");
        }
        finally
        {
            Provider.TokenFault = TokenFault.None;
        }
    }

    [Fact]
    public async Task Callback_ProfileWithoutSubject_AnswersProviderFailed()
    {
        Provider.SignInAs = new FakeUser(null, "nobody", "nobody@example.com");
        using var browser = fixture.Baton.NewBrowser();

        using var response = await browser.SignInAsync("gitee");

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        Assert.Equal("provider_failed", await Browser.CodeOfProblem(response));
        Assert.Contains("subject", (await Browser.JsonOf(response)).GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(IdTokenFault.WrongNonce)]
    [InlineData(IdTokenFault.Expired)]
    [InlineData(IdTokenFault.ForeignSignature)]
    public async Task Callback_InvalidIdToken_AnswersProviderFailed(IdTokenFault fault)
    {
        Provider.SignInAs = new FakeUser("oidc-4009", "forged", null);
        Provider.IdTokenFault = fault;
        try
        {
            using var browser = fixture.Baton.NewBrowser();
            using var response = await browser.SignInAsync("corp");

            await AssertRefusedAsync(response, HttpStatusCode.BadGateway, "provider_failed", "corp:oidc-4009");
        }
        finally
        {
            Provider.IdTokenFault = IdTokenFault.None;
        }
    }

    [Fact]
    public async Task Callback_UnlinkedIdentityOnProviderThatCreatesNoUsers_AnswersIdentityNotLinked()
    {
        Provider.SignInAs = new FakeUser("4010", "stranger", null);
        using var browser = fixture.Baton.NewBrowser();

        using var response = await browser.SignInAsync("strict");

        await AssertRefusedAsync(response, HttpStatusCode.Forbidden, "identity_not_linked", "strict:4010");
    }

    [Theory]
    [InlineData("nope")]
    [InlineData("GITEE")]
    [InlineData("..%2F..%2Fadmin")]
    public async Task StartAndCallback_UnknownProvider_AnswersUnknownProvider(string provider)
    {
        using var browser = fixture.Baton.NewBrowser();

        using var start = await browser.StartAsync(provider);
        using var callback = await browser.Baton.GetAsync($"/v1/auth/external/{provider}/callback?code=x&state=y");

        Assert.Equal(HttpStatusCode.NotFound, start.StatusCode);
        Assert.Equal("unknown_provider", await Browser.CodeOfProblem(start));
        Assert.Equal(HttpStatusCode.NotFound, callback.StatusCode);
        Assert.Equal("unknown_provider", await Browser.CodeOfProblem(callback));
        Assert.False(start.Headers.TryGetValues("Set-Cookie", out _));
    }

    [Fact]
    public async Task Start_DisabledProvider_AnswersProviderDisabled()
    {
        using var browser = fixture.Baton.NewBrowser();

        using var start = await browser.StartAsync("off");
        using var callback = await browser.Baton.GetAsync("/v1/auth/external/off/callback?code=x&state=y");

        Assert.Equal(HttpStatusCode.Forbidden, start.StatusCode);
        Assert.Equal("provider_disabled", await Browser.CodeOfProblem(start));
        Assert.Equal("provider_disabled", await Browser.CodeOfProblem(callback));
    }

    [Theory]
    [InlineData("https://evil.example/signed-in")]
    [InlineData("https://app.example.evil.example/signed-in")]
    [InlineData("https://app.example/signed-in-elsewhere")]
    [InlineData("https://app.example:8443/signed-in")]
    [InlineData("http://app.example/signed-in")]
    [InlineData("https://user@app.example/signed-in")]
    [InlineData("//evil.example/signed-in")]
    [InlineData("/signed-in")]
    [InlineData("javascript:alert(1)")]
    public async Task Start_ReturnToNotAllowed_AnswersBadRequestWithoutRedirect(string returnTo)
    {
        using var browser = fixture.Baton.NewBrowser();

        using var response = await browser.Baton.GetAsync($"/v1/auth/external/gitee?return_to={Uri.EscapeDataString(returnTo)}");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True((await Browser.JsonOf(response)).GetProperty("errors").TryGetProperty("return_to", out _));
        Assert.False(response.Headers.TryGetValues("Set-Cookie", out _));
    }

    [Theory]
    [InlineData("https://app.example/signed-in?tab=2")]
    [InlineData("https://app.example/settings/identities")]
    public async Task Start_ReturnToAllowed_Redirects(string returnTo)
    {
        using var browser = fixture.Baton.NewBrowser();

        using var response = await browser.Baton.GetAsync($"/v1/auth/external/gitee?return_to={Uri.EscapeDataString(returnTo)}");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
    }

    [Theory]
    [InlineData("&mode=token")]
    [InlineData("&device_type=two%20words")]
    [InlineData("&device_name=" + "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef!")]
    public async Task Start_BadParameters_AnswersBadRequest(string query)
    {
        using var browser = fixture.Baton.NewBrowser();

        using var response = await browser.StartAsync("gitee", query);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("invalid_request", await Browser.CodeOfProblem(response));
    }

    /// <summary>The answer, the flow cookie deleted, and the identity linked to nobody.</summary>
    private async Task AssertRefusedAsync(HttpResponseMessage response, HttpStatusCode status, string code, string identity)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal(code, await Browser.CodeOfProblem(response));
        Assert.Contains(response.Headers.GetValues("Set-Cookie"), c => c.StartsWith("__Host-baton-external=;", StringComparison.Ordinal));
        Assert.Null(await fixture.Baton.Services.GetRequiredService<IGrainFactory>().GetGrain<IExternalIdentityGrain>(identity).GetUserAsync());
    }
}
