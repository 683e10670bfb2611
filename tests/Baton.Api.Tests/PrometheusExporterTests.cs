using System.Globalization;
using System.Net;

namespace Baton.Api.Tests;

/// <summary>
/// What <c>/metrics</c> (OpenTelemetry's Prometheus exporter) shows for a login and a refresh. Baton's
/// meters are static, so every test server in the process sees every measurement: these tests run
/// alone and assert the change between two scrapes.
/// </summary>
[Collection(MetricsTestGroup.Name)]
public sealed class PrometheusExporterTests(MetricsFactory factory) : IClassFixture<MetricsFactory>
{
    private const string LoginOk = "baton_logins_total{otel_scope_name=\"Baton.Api\",outcome=\"ok\"}";
    private const string LoginRefused = "baton_logins_total{otel_scope_name=\"Baton.Api\",outcome=\"invalid_credentials\"}";
    private const string RefreshOk = "baton_refreshes_total{otel_scope_name=\"Baton.Api\",outcome=\"ok\"}";
    private const string Rotated = "baton_session_events_total{otel_scope_name=\"Baton.Sessions\",kind=\"rotated\",reason=\"none\"}";

    private const string TokenCached = "baton_tokens_access_validations_total{otel_scope_name=\"Baton.Tokens\",result=\"cached\"}";
    private const string TokenVerified = "baton_tokens_access_validations_total{otel_scope_name=\"Baton.Tokens\",result=\"verified\"}";
    private const string TokenRefused = "baton_tokens_access_validations_total{otel_scope_name=\"Baton.Tokens\",result=\"refused\"}";

    private const string RefreshDurations =
        "http_server_request_duration_seconds_count{otel_scope_name=\"Microsoft.AspNetCore.Hosting\",http_request_method=\"POST\",http_response_status_code=\"200\",http_route=\"/v1/auth/refresh\",network_protocol_version=\"1.1\",url_scheme=\"https\"}";

    private readonly BatonApi _api = BatonApi.For(factory);

    [Fact]
    public async Task Metrics_LoginThenRefresh_CountsEachByOutcome()
    {
        var (_, username, _) = await _api.NewUserAsync();
        var before = await ScrapeAsync();

        var pair = await _api.LoginAsync(username);
        using (var refused = await _api.LoginRawAsync(username, "not the password"))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        }

        await _api.RefreshAsync(pair.RefreshToken!);
        var after = await ScrapeAsync();

        Assert.Equal(1, Value(after, LoginOk) - Value(before, LoginOk));
        Assert.Equal(1, Value(after, LoginRefused) - Value(before, LoginRefused));
        Assert.Equal(1, Value(after, RefreshOk) - Value(before, RefreshOk));
        Assert.Equal(1, Value(after, Rotated) - Value(before, Rotated));
        Assert.Equal(1, Value(after, RefreshDurations) - Value(before, RefreshDurations));
    }

    [Fact]
    public async Task Metrics_TokenThisNodeSigned_IsAnsweredByTheVerifiedTokenCache()
    {
        var (_, _, pair) = await _api.NewUserAsync();
        var before = await ScrapeAsync();

        for (var i = 0; i < 3; i++)
        {
            using var me = await _api.GetAsync("/v1/me", pair.AccessToken);
            Assert.Equal(HttpStatusCode.OK, me.StatusCode);
        }

        using (var forged = await _api.GetAsync("/v1/me", pair.AccessToken[..^2] + "AA"))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, forged.StatusCode);
        }

        var after = await ScrapeAsync();

        Assert.Equal(3, Value(after, TokenCached) - Value(before, TokenCached));
        Assert.Equal(0, Value(after, TokenVerified) - Value(before, TokenVerified));
        Assert.Equal(1, Value(after, TokenRefused) - Value(before, TokenRefused));
    }

    [Fact]
    public async Task Metrics_AfterLogin_DescribesCountersAndDurationsInPrometheusText()
    {
        await _api.NewUserAsync();

        using var response = await _api.GetAsync("/metrics");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
        var lines = (await response.Content.ReadAsStringAsync()).Split('\n');
        Assert.Contains("# TYPE baton_logins_total counter", lines);
        Assert.Contains("# HELP baton_logins_total Login attempts by outcome (ok or the error code).", lines);
        Assert.Contains("# TYPE baton_grain_writes_total counter", lines);
        Assert.Contains("# TYPE http_server_request_duration_seconds histogram", lines);
        Assert.Contains(lines, l => l.StartsWith("target_info{service_name=\"baton\",", StringComparison.Ordinal));
    }

    private async Task<string[]> ScrapeAsync()
    {
        using var response = await _api.GetAsync("/metrics");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadAsStringAsync()).Split('\n');
    }

    /// <summary>The sample of one series, 0 while it has none.</summary>
    private static double Value(string[] lines, string series)
    {
        var line = lines.SingleOrDefault(l => l.StartsWith(series + " ", StringComparison.Ordinal));
        return line is null ? 0 : double.Parse(line[(series.Length + 1)..], CultureInfo.InvariantCulture);
    }
}
