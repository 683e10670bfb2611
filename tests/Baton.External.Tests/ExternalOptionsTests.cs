using System.Net;
using Baton.Api.External;
using Baton.Api.Options;
using Baton.Silo;

namespace Baton.External.Tests;

/// <summary>Provider settings that cannot work stop Baton at start-up with a message naming them; the endpoints share login's rate limit.</summary>
public sealed class ExternalOptionsTests(ExternalFixture fixture) : IClassFixture<ExternalFixture>
{
    [Fact]
    public void Start_ProviderWithoutClientSecret_FailsNamingTheSetting()
    {
        using var baton = new ExternalBaton(fixture.Provider, new Dictionary<string, string?> { ["Baton:External:Providers:gitee:ClientSecret"] = "" });

        var error = Record.Exception(() => baton.Server);

        Assert.NotNull(error);
        Assert.Contains("Baton:External:Providers:gitee:ClientSecret must be set.", error.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Type", "saml", "Baton:External:Providers:corp:Type must be gitee, github, oauth2 or oidc")]
    [InlineData("Authority", "http://idp.example", "Baton:External:Providers:corp:Authority must be the issuer's absolute https URL.")]
    [InlineData("Scopes:0", "profile", "Baton:External:Providers:corp:Scopes must contain openid.")]
    [InlineData("ClientId", "", "Baton:External:Providers:corp:ClientId must be set.")]
    public void Validate_BadOidcProvider_NamesTheSetting(string key, string value, string message)
    {
        var options = Valid();
        var corp = new ExternalProviderOptions { Type = "oidc", Authority = "https://idp.example", ClientId = "id", ClientSecret = "secret" };
        switch (key)
        {
            case "Type": corp.Type = value; break;
            case "Authority": corp.Authority = value; break;
            case "Scopes:0": corp.Scopes = [value]; break;
            default: corp.ClientId = value; break;
        }

        options.Providers["corp"] = corp;

        Assert.Contains(Failures(options), f => f.StartsWith(message, StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_GiteePresetWithCredentials_Passes()
    {
        var options = Valid();
        options.Providers["gitee"] = new ExternalProviderOptions { ClientId = "id", ClientSecret = "secret" };

        Assert.Empty(Failures(options));
        var gitee = ExternalProvider.From("gitee", options.Providers["gitee"])!;
        Assert.Equal("https://gitee.com/oauth/authorize", gitee.AuthorizationEndpoint);
        Assert.Equal("https://gitee.com/oauth/token", gitee.TokenEndpoint);
        Assert.Equal("https://gitee.com/api/v5/user", gitee.UserInfoEndpoint);
        Assert.False(gitee.ClientSecretBasic);
    }

    [Theory]
    [InlineData("Gitee")]
    [InlineData("a_b")]
    [InlineData("with:colon")]
    public void Validate_BadProviderName_NamesIt(string name)
    {
        var options = Valid();
        options.Providers[name] = new ExternalProviderOptions { Type = "gitee", ClientId = "id", ClientSecret = "secret" };

        Assert.Contains(Failures(options), f => f.Contains("the name must be 1-32 lower-case letters", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_EnabledProviderWithoutReturnUrls_Fails()
    {
        var options = new ExternalOptions();
        options.Providers["gitee"] = new ExternalProviderOptions { ClientId = "id", ClientSecret = "secret" };

        Assert.Contains("Baton:External:ReturnUrls must list at least one URL when a provider is enabled.", Failures(options));
    }

    [Fact]
    public void Validate_ClusterFrontWithoutCookieKey_Fails()
    {
        var options = Valid();
        options.Providers["gitee"] = new ExternalProviderOptions { ClientId = "id", ClientSecret = "secret" };
        var cluster = new BatonClusterOptions { Redis = "127.0.0.1:6379" };

        var failures = new ExternalOptionsValidator(Microsoft.Extensions.Options.Options.Create(cluster)).Validate(null, options).Failures ?? [];

        Assert.Contains(failures, f => f.StartsWith("Baton:External:CookieKey must be set on every front of a cluster", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Start_OverLoginRateLimit_Answers429WithRetryAfter()
    {
        using var baton = new ExternalBaton(fixture.Provider, new Dictionary<string, string?> { ["Baton:RateLimits:LoginPerMinute"] = "2" });
        using var browser = baton.NewBrowser();

        using var first = await browser.StartAsync("gitee");
        using var second = await browser.StartAsync("gitee");
        using var third = await browser.StartAsync("gitee");
        using var exchange = await browser.ExchangeAsync("any");

        Assert.Equal(HttpStatusCode.Redirect, second.StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, third.StatusCode);
        Assert.Equal("rate_limited", await Browser.CodeOfProblem(third));
        Assert.NotNull(third.Headers.RetryAfter);
        Assert.Equal(HttpStatusCode.TooManyRequests, exchange.StatusCode);
    }

    private static ExternalOptions Valid() => new() { ReturnUrls = ["https://app.example/"] };

    private static IEnumerable<string> Failures(ExternalOptions options) =>
        new ExternalOptionsValidator(Microsoft.Extensions.Options.Options.Create(new BatonClusterOptions())).Validate(null, options).Failures ?? [];
}
