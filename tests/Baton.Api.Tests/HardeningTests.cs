using System.Collections.Concurrent;
using System.Net;
using System.Text;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Baton.Api.Tests;

/// <summary>
/// The low and informational findings of the outside review: the form endpoints' media type and
/// limits (RFC 7009/7662), ids in routes and log forging (SECURITY.md 48), and response headers.
/// </summary>
public sealed class HardeningTests(BatonFactory factory) : IClassFixture<BatonFactory>
{
    private readonly BatonApi _api = BatonApi.For(factory);

    public static TheoryData<string> FormEndpoints => ["/oauth2/revoke", "/oauth2/introspect"];

    [Theory]
    [MemberData(nameof(FormEndpoints))]
    public async Task FormEndpoint_MultipartBody_Is415(string path)
    {
        using var multipart = new MultipartFormDataContent { { new StringContent("x"), "token" } };

        using var response = await _api.SendAsync(new HttpRequestMessage(HttpMethod.Post, path) { Content = multipart }, headers: ApiKeyHeaders.IntrospectKey);

        await BatonApi.AssertProblemAsync(response, HttpStatusCode.UnsupportedMediaType, "invalid_request");
    }

    [Theory]
    [MemberData(nameof(FormEndpoints))]
    public async Task FormEndpoint_MultipartWithoutBoundary_Is415(string path)
    {
        using var response = await PostAsync(path, "--x\r\n\r\n", "multipart/form-data");

        await BatonApi.AssertProblemAsync(response, HttpStatusCode.UnsupportedMediaType, "invalid_request");
    }

    [Theory]
    [MemberData(nameof(FormEndpoints))]
    public async Task FormEndpoint_JsonBody_Is415(string path)
    {
        using var response = await PostAsync(path, "{\"token\":\"x\"}", "application/json");

        await BatonApi.AssertProblemAsync(response, HttpStatusCode.UnsupportedMediaType, "invalid_request");
    }

    [Theory]
    [MemberData(nameof(FormEndpoints))]
    public async Task FormEndpoint_TwoThousandFields_Is400(string path)
    {
        var body = string.Join('&', Enumerable.Range(0, 2000).Select(i => $"f{i}=1"));

        using var response = await PostAsync(path, body, "application/x-www-form-urlencoded");

        await BatonApi.AssertProblemAsync(response, HttpStatusCode.BadRequest, "invalid_request");
    }

    [Theory]
    [MemberData(nameof(FormEndpoints))]
    public async Task FormEndpoint_OverlongValue_Is400(string path)
    {
        using var response = await PostAsync(path, "token=" + new string('a', 17 * 1024), "application/x-www-form-urlencoded");

        // The body limit (16 KiB) or the form's value limit answers, never the handler with a 500.
        Assert.True(response.StatusCode is HttpStatusCode.BadRequest or HttpStatusCode.RequestEntityTooLarge, $"got {(int)response.StatusCode}");
    }

    [Fact]
    public async Task Revoke_UrlEncodedFormWithCharset_IsAccepted()
    {
        var (_, _, pair) = await _api.NewUserAsync();

        using var revoke = await PostAsync("/oauth2/revoke", "token=" + Uri.EscapeDataString(pair.RefreshToken!), "application/x-www-form-urlencoded; charset=utf-8");
        using var me = await _api.GetAsync("/v1/me", pair.AccessToken);

        Assert.Equal(HttpStatusCode.OK, revoke.StatusCode);
        await BatonApi.AssertProblemAsync(me, HttpStatusCode.Unauthorized, "session_ended", "revoked");
    }

    public static TheoryData<string> ForgedIds => ["victim%0Afail:%20FORGED", "victim%0D%0Ainfo", "a%20b", "%E2%80%AEreversed", "caf%C3%A9"];

    [Theory]
    [MemberData(nameof(ForgedIds))]
    public async Task AdminRoute_IdOutsideTheIdRule_Is400(string id)
    {
        using var kick = await _api.SendAsync(new HttpRequestMessage(HttpMethod.Post, $"/v1/admin/users/{id}/kick"), headers: ApiKeyHeaders.AdminKey);
        using var revoke = await _api.DeleteAsync($"/v1/admin/users/someone/sessions/{id}", headers: ApiKeyHeaders.AdminKey);

        await BatonApi.AssertProblemAsync(kick, HttpStatusCode.BadRequest, "invalid_request");
        await BatonApi.AssertProblemAsync(revoke, HttpStatusCode.BadRequest, "invalid_request");
    }

    [Fact]
    public async Task MyRoute_SessionIdOutsideTheIdRule_Is400()
    {
        var (_, _, pair) = await _api.NewUserAsync();

        using var response = await _api.DeleteAsync("/v1/me/sessions/x%0Ay", pair.AccessToken);

        await BatonApi.AssertProblemAsync(response, HttpStatusCode.BadRequest, "invalid_request");
    }

    [Fact]
    public async Task AdminKick_ForgedLineInRoute_WritesNoForgedLogLine()
    {
        var lines = new LogLines();
        using var logged = factory.WithWebHostBuilder(b => b.ConfigureServices(s => s.AddSingleton<ILoggerProvider>(lines)));
        var api = new BatonApi(logged.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { BaseAddress = new Uri("https://localhost") }));

        using var response = await api.SendAsync(new HttpRequestMessage(HttpMethod.Post, "/v1/admin/users/victim%0Afail:%20FORGED/kick"), headers: ApiKeyHeaders.AdminKey);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        // The route value reaches no log line at all (it would have carried its own line break).
        Assert.DoesNotContain(lines.All, l => l.Contains("FORGED", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("plain/path", "plain/path")]
    [InlineData("/v1/a\nfail: FORGED", "/v1/a\\u000afail: FORGED")]
    [InlineData("\u001b[31mred", "\\u001b[31mred")]
    [InlineData("back\\slash", "back\\u005cslash")]
    [InlineData("caf\u00e9", "caf\\u00e9")]
    public void LogText_Escape_LeavesOnlyPrintableAscii(string value, string expected)
    {
        Assert.Equal(expected, Diagnostics.LogText.Escape(value));
    }

    [Fact]
    public void LogText_Escape_CutsLongValues()
    {
        var escaped = Diagnostics.LogText.Escape(new string('a', 10_000));

        Assert.Equal(256 + 3, escaped.Length);
        Assert.EndsWith("...", escaped, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnyResponse_CarriesNoSniffAndNoFraming()
    {
        using var jwks = await _api.GetAsync("/.well-known/jwks.json");
        using var problem = await _api.GetAsync("/v1/me");

        foreach (var response in new[] { jwks, problem })
        {
            Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
            Assert.Contains("frame-ancestors 'none'", response.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
        }
    }

    private Task<HttpResponseMessage> PostAsync(string path, string body, string contentType)
    {
        var content = new ByteArrayContent(Encoding.UTF8.GetBytes(body));
        content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        return _api.SendAsync(new HttpRequestMessage(HttpMethod.Post, path) { Content = content }, headers: ApiKeyHeaders.IntrospectKey);
    }

    /// <summary>Every formatted log line the server writes.</summary>
    private sealed class LogLines : ILoggerProvider, ILogger
    {
        public ConcurrentQueue<string> All { get; } = new();

        public ILogger CreateLogger(string categoryName) => this;

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            All.Enqueue(formatter(state, exception));

        public void Dispose()
        {
        }
    }
}
