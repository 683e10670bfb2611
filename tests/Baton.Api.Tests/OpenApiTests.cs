using System.Net;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Baton.Api.Tests;

public sealed class OpenApiTests(BatonFactory factory) : IClassFixture<BatonFactory>
{
    private readonly BatonApi _api = BatonApi.For(factory);

    [Fact]
    public async Task OpenApiDocument_DescribesEveryEndpointTheServerMaps()
    {
        using var response = await _api.GetAsync("/openapi/v1.json");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var paths = (await BatonApi.JsonOf(response)).GetProperty("paths");

        var mapped = factory.Services.GetRequiredService<EndpointDataSource>().Endpoints
            .OfType<RouteEndpoint>()
            .Where(e => e.Metadata.GetMetadata<Microsoft.AspNetCore.Routing.HttpMethodMetadata>() is not null)
            .Select(e => Normalize(e.RoutePattern.RawText!))
            .Where(p => !p.StartsWith("/openapi/", StringComparison.Ordinal))
            .Distinct()
            .ToArray();

        Assert.NotEmpty(mapped);
        var missing = mapped.Where(p => !paths.TryGetProperty(p, out _)).ToArray();
        Assert.True(missing.Length == 0, "Missing from the OpenAPI document: " + string.Join(", ", missing));
        Assert.True(paths.TryGetProperty("/v1/auth/login", out var login));
        Assert.True(login.TryGetProperty("post", out _));
    }

    // "/v1/me" + MapGet("/") is the route "/v1/me/", which matches "/v1/me" and is documented so.
    private static string Normalize(string pattern) => "/" + pattern.Trim('/');
}
