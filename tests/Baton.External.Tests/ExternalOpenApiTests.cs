using System.Net;
using System.Text.Json;

namespace Baton.External.Tests;

public sealed class ExternalOpenApiTests(ExternalFixture fixture) : IClassFixture<ExternalFixture>
{
    [Theory]
    [InlineData("/v1/auth/external", "get")]
    [InlineData("/v1/auth/external/{provider}", "get")]
    [InlineData("/v1/auth/external/{provider}/callback", "get")]
    [InlineData("/v1/auth/external/exchange", "post")]
    [InlineData("/v1/me/identities", "get")]
    [InlineData("/v1/me/identities", "post")]
    [InlineData("/v1/me/identities/{provider}", "delete")]
    public async Task OpenApiDocument_ListsTheExternalEndpoints(string path, string method)
    {
        using var browser = fixture.Baton.NewBrowser();
        using var response = await browser.Baton.GetAsync("/openapi/v1.json");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var paths = (await Browser.JsonOf(response)).GetProperty("paths");

        Assert.True(paths.TryGetProperty(path, out var item), path + " is missing");
        Assert.True(item.TryGetProperty(method, out var operation), method + " " + path + " is missing");
        Assert.Equal(JsonValueKind.Object, operation.ValueKind);
    }
}
