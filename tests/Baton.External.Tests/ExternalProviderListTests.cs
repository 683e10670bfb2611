using System.Net;
using System.Text.Json;

namespace Baton.External.Tests;

/// <summary><c>GET /v1/auth/external</c>: what a sign-in page may offer, without anything secret.</summary>
public sealed class ExternalProviderListTests(ExternalFixture fixture) : IClassFixture<ExternalFixture>
{
    [Fact]
    public async Task ListProviders_Anonymous_AnswersTheEnabledProvidersByName_WithPresetDisplayNames()
    {
        using var browser = fixture.Baton.NewBrowser();

        using var response = await browser.Baton.GetAsync("/v1/auth/external");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var providers = await Browser.JsonOf(response);
        // "off" is disabled; gitee and strict take the gitee preset's name, corp (OIDC) its own.
        Assert.Equal(
            ["corp: corp", "gitee: Gitee", "strict: Gitee"],
            providers.EnumerateArray().Select(p => $"{p.GetProperty("name").GetString()}: {p.GetProperty("display_name").GetString()}"));
    }

    [Fact]
    public async Task ListProviders_Answer_HoldsOnlyNamesAndDisplayNames()
    {
        using var browser = fixture.Baton.NewBrowser();

        using var response = await browser.Baton.GetAsync("/v1/auth/external");

        var body = await response.Content.ReadAsStringAsync();
        foreach (var provider in JsonDocument.Parse(body).RootElement.EnumerateArray())
        {
            Assert.Equal(["display_name", "name"], provider.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
        }

        Assert.DoesNotContain(FakeProvider.OAuthClientSecret, body, StringComparison.Ordinal);
        Assert.DoesNotContain(FakeProvider.OidcClientSecret, body, StringComparison.Ordinal);
        Assert.DoesNotContain(fixture.Provider.BaseUrl, body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ListProviders_DisplayNameConfigured_AnswersIt()
    {
        using var baton = new ExternalBaton(fixture.Provider, new Dictionary<string, string?>
        {
            ["Baton:External:Providers:corp:DisplayName"] = "Corp SSO",
            ["Baton:External:Providers:strict:Enabled"] = "false",
        });
        using var browser = baton.NewBrowser();

        using var response = await browser.Baton.GetAsync("/v1/auth/external");

        var providers = (await Browser.JsonOf(response)).EnumerateArray().ToArray();
        Assert.Equal(["corp", "gitee"], providers.Select(p => p.GetProperty("name").GetString()));
        Assert.Equal("Corp SSO", providers[0].GetProperty("display_name").GetString());
    }
}
