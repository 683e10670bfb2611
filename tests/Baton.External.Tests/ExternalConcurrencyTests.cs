using System.Net;

namespace Baton.External.Tests;

/// <summary>What the grains serialize: one redemption per code, and never both of a user's last two ways to sign in unlinked.</summary>
public sealed class ExternalConcurrencyTests(ExternalFixture fixture) : IClassFixture<ExternalFixture>
{
    [Fact]
    public async Task Exchange_SameCodeTwentyTimesAtOnce_ExactlyOneSucceeds()
    {
        fixture.Provider.SignInAs = new FakeUser("5001", "racer", null);
        using var browser = fixture.Baton.NewBrowser();
        using var callback = await browser.SignInAsync("gitee");
        var code = Browser.CodeOf(callback);

        var answers = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => browser.ExchangeAsync(code)));

        Assert.Equal(1, answers.Count(a => a.StatusCode == HttpStatusCode.OK));
        Assert.Equal(19, answers.Count(a => a.StatusCode == HttpStatusCode.BadRequest));
        foreach (var answer in answers)
        {
            answer.Dispose();
        }
    }

    [Fact]
    public async Task UnlinkIdentity_BothIdentitiesOfPasswordlessUserAtOnce_OneStays()
    {
        using var browser = fixture.Baton.NewBrowser();
        fixture.Provider.SignInAs = new FakeUser("5002", "two-ways", null);
        var access = (await browser.SignInWithCodeAsync("gitee")).GetProperty("access_token").GetString()!;
        fixture.Provider.SignInAs = new FakeUser("corp-5002", "two-ways", null);
        using var started = await browser.SendAsync(HttpMethod.Post, "/v1/me/identities", access, new { provider = "corp", return_to = ExternalBaton.ReturnTo });
        var url = new Uri((await Browser.JsonOf(started)).GetProperty("authorization_url").GetString()!);
        using var linked = await browser.CallbackAsync(await Browser.AuthorizeAsync(url));
        Assert.Equal(HttpStatusCode.Redirect, linked.StatusCode);

        var answers = await Task.WhenAll(
            browser.SendAsync(HttpMethod.Delete, "/v1/me/identities/gitee", access),
            browser.SendAsync(HttpMethod.Delete, "/v1/me/identities/corp", access));

        Assert.Equal(
            new[] { HttpStatusCode.NoContent, HttpStatusCode.Conflict },
            answers.Select(a => a.StatusCode).Order().ToArray());
        using var listed = await browser.SendAsync(HttpMethod.Get, "/v1/me/identities", access);
        Assert.Single((await Browser.JsonOf(listed)).GetProperty("identities").EnumerateArray());
        foreach (var answer in answers)
        {
            answer.Dispose();
        }
    }
}
