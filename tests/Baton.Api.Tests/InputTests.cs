using System.Net;
using System.Text;

namespace Baton.Api.Tests;

/// <summary>SECURITY.md 23-27 and 29: hostile input answers 4xx quickly, never 500.</summary>
public sealed class InputTests(BatonFactory factory) : IClassFixture<BatonFactory>
{
    private readonly BatonApi _api = BatonApi.For(factory);

    public static TheoryData<string> BadRefreshTokens => new()
    {
        "x",
        "' OR 1=1 --",
        "a.b.c",
        "eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.",
        "ünïcödé.ünïcödé.ünïcödé",
        new string('a', 5000),
        "Bearer " + new string('.', 10_000),
    };

    [Theory]
    [MemberData(nameof(BadRefreshTokens))]
    public async Task Refresh_GarbageToken_Is401InvalidToken(string token)
    {
        using var response = await _api.RefreshRawAsync(token);

        await BatonApi.AssertProblemAsync(response, HttpStatusCode.Unauthorized, "invalid_token");
    }

    [Fact]
    public async Task Refresh_MissingOrEmptyToken_Is400()
    {
        using var empty = await _api.RefreshRawAsync("");
        using var missing = await _api.PostRawAsync("/v1/auth/refresh", "{}");

        await BatonApi.AssertProblemAsync(empty, HttpStatusCode.BadRequest, "invalid_request");
        await BatonApi.AssertProblemAsync(missing, HttpStatusCode.BadRequest, "invalid_request");
    }

    [Fact]
    public async Task Refresh_WithAccessToken_IsRefused_AndDoesNotRotate()
    {
        var (_, _, pair) = await _api.NewUserAsync();

        using var response = await _api.RefreshRawAsync(pair.AccessToken);

        await BatonApi.AssertProblemAsync(response, HttpStatusCode.Unauthorized, "invalid_token");
        var next = await _api.RefreshAsync(pair.RefreshToken!);
        Assert.Equal(pair.SessionId, next.SessionId);
    }

    [Fact]
    public async Task Me_WithRefreshTokenAsBearer_Is401()
    {
        var (_, _, pair) = await _api.NewUserAsync();

        using var response = await _api.GetAsync("/v1/me", pair.RefreshToken);

        await BatonApi.AssertProblemAsync(response, HttpStatusCode.Unauthorized, "invalid_token");
    }

    [Fact]
    public async Task Me_HugeBearerToken_IsRefusedWithoutServerError()
    {
        using var response = await _api.GetAsync("/v1/me", new string('a', 300 * 1024));

        Assert.True(response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.BadRequest or HttpStatusCode.RequestHeaderFieldsTooLarge, $"{response.StatusCode}");
    }

    [Fact]
    public async Task Me_MillionDotsBearer_Is401()
    {
        using var response = await _api.GetAsync("/v1/me", new string('.', 1_000_000));

        Assert.True(response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.RequestHeaderFieldsTooLarge, $"{response.StatusCode}");
    }

    [Theory]
    [InlineData("/v1/me?access_token=abc")]
    [InlineData("/v1/me?token=abc")]
    [InlineData("/v1/auth/refresh?refresh_token=abc")]
    public async Task TokenInQueryString_Is400(string path)
    {
        using var response = path.Contains("refresh", StringComparison.Ordinal)
            ? await _api.PostJsonAsync(path, new { })
            : await _api.GetAsync(path);

        await BatonApi.AssertProblemAsync(response, HttpStatusCode.BadRequest, "invalid_request");
    }

    [Fact]
    public async Task Body_OverSizeLimit_Is413()
    {
        var big = "{\"username\":\"" + new string('a', 20_000) + "\",\"password\":\"x\"}";

        using var response = await _api.PostRawAsync("/v1/auth/login", big);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
    }

    [Fact]
    public async Task Body_WrongContentType_Is415()
    {
        using var response = await _api.PostRawAsync("/v1/auth/login", "username=a&password=b", "application/x-www-form-urlencoded");

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
    }

    [Theory]
    [InlineData("{")]
    [InlineData("not json")]
    [InlineData("[1,2,3]")]
    [InlineData("{\"username\": 5, \"password\": true}")]
    [InlineData("{\"username\": \"a\", \"password\": \"b\", \"device\": \"x\"}")]
    public async Task Login_MalformedJson_Is400NotServerError(string body)
    {
        using var response = await _api.PostRawAsync("/v1/auth/login", body);

        await BatonApi.AssertProblemAsync(response, HttpStatusCode.BadRequest, "invalid_request");
    }

    [Fact]
    public async Task Login_DeeplyNestedJson_Is400()
    {
        var nested = new StringBuilder("{\"username\":\"a\",\"password\":\"b\",\"device\":");
        for (var i = 0; i < 200; i++)
        {
            nested.Append("{\"x\":");
        }

        nested.Append('1').Append('}', 201);

        using var response = await _api.PostRawAsync("/v1/auth/login", nested.ToString());

        await BatonApi.AssertProblemAsync(response, HttpStatusCode.BadRequest, "invalid_request");
    }

    [Fact]
    public async Task Login_MissingFields_ListsEachField()
    {
        using var response = await _api.PostRawAsync("/v1/auth/login", "{}");

        var json = await BatonApi.AssertProblemAsync(response, HttpStatusCode.BadRequest, "invalid_request");
        var errors = json.GetProperty("errors");
        Assert.True(errors.TryGetProperty("username", out _));
        Assert.True(errors.TryGetProperty("password", out _));
    }

    [Fact]
    public async Task Login_InvalidDeviceType_IsFieldError()
    {
        var (_, username, _) = await _api.NewUserAsync();

        using var response = await _api.LoginRawAsync(username, device: new { id = "x", type = "<script>" });

        var json = await BatonApi.AssertProblemAsync(response, HttpStatusCode.BadRequest, "invalid_request");
        Assert.True(json.GetProperty("errors").TryGetProperty("device.type", out _));
    }
}
