using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Baton.Api.Tests;

/// <summary>A thin client over Baton's HTTP API for tests: each call is one real HTTP request through the test server.</summary>
public sealed class BatonApi(HttpClient http)
{
    public const string Password = "correct horse battery staple";

    public HttpClient Http { get; } = http;

    /// <summary>A client on https://localhost (so Secure cookies travel back), with a cookie container.</summary>
    public static BatonApi For(BatonFactory factory) =>
        new(factory.CreateClient(new WebApplicationFactoryClientOptions { BaseAddress = new Uri("https://localhost"), HandleCookies = true }));

    public Task<HttpResponseMessage> PostJsonAsync(string path, object? body, string? accessToken = null, IDictionary<string, string>? headers = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body) };
        return SendAsync(request, accessToken, headers);
    }

    public Task<HttpResponseMessage> PostRawAsync(string path, string body, string contentType = "application/json", string? accessToken = null) =>
        SendAsync(new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(body, Encoding.UTF8, contentType) }, accessToken);

    public Task<HttpResponseMessage> GetAsync(string path, string? accessToken = null, IDictionary<string, string>? headers = null) =>
        SendAsync(new HttpRequestMessage(HttpMethod.Get, path), accessToken, headers);

    public Task<HttpResponseMessage> DeleteAsync(string path, string? accessToken = null, IDictionary<string, string>? headers = null) =>
        SendAsync(new HttpRequestMessage(HttpMethod.Delete, path), accessToken, headers);

    public async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, string? accessToken = null, IDictionary<string, string>? headers = null)
    {
        if (accessToken is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        }

        foreach (var (name, value) in headers ?? new Dictionary<string, string>())
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        return await Http.SendAsync(request);
    }

    public async Task<string> RegisterAsync(string username, string password = Password)
    {
        using var response = await PostJsonAsync("/v1/users", new { username, password });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await JsonOf(response)).GetProperty("id").GetString()!;
    }

    public Task<HttpResponseMessage> LoginRawAsync(string username, string password = Password, object? device = null, IDictionary<string, string>? headers = null) =>
        PostJsonAsync("/v1/auth/login", new { username, password, device }, headers: headers);

    public async Task<Pair> LoginAsync(string username, string password = Password, object? device = null)
    {
        using var response = await LoginRawAsync(username, password, device);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return Pair.Of(await JsonOf(response));
    }

    /// <summary>Registers a fresh user and logs in.</summary>
    public async Task<(string UserId, string Username, Pair Pair)> NewUserAsync(object? device = null)
    {
        var username = "user-" + Guid.NewGuid().ToString("N")[..12];
        var id = await RegisterAsync(username);
        return (id, username, await LoginAsync(username, device: device));
    }

    public Task<HttpResponseMessage> RefreshRawAsync(string? refreshToken) =>
        PostJsonAsync("/v1/auth/refresh", new { refresh_token = refreshToken });

    public async Task<Pair> RefreshAsync(string refreshToken)
    {
        using var response = await RefreshRawAsync(refreshToken);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return Pair.Of(await JsonOf(response));
    }

    /// <summary>RFC 7662 introspection of <paramref name="token"/> with the <c>tokens:introspect</c> key; asserts 200.</summary>
    public async Task<JsonElement> IntrospectAsync(string token)
    {
        using var response = await SendAsync(Form("/oauth2/introspect", token), headers: ApiKeyHeaders.IntrospectKey);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await JsonOf(response);
    }

    /// <summary>A form POST with one <c>token</c> field (RFC 7662 and RFC 7009 requests).</summary>
    public static HttpRequestMessage Form(string path, string token) =>
        new(HttpMethod.Post, path) { Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["token"] = token }) };

    public async Task<string> AdminTokenAsync() => (await LoginAsync(BatonFactory.AdminUsername, BatonFactory.AdminPassword)).AccessToken;

    public static async Task<JsonElement> JsonOf(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    /// <summary>Asserts an RFC 9457 problem with Baton's stable code (and reason, when given).</summary>
    public static async Task<JsonElement> AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status, string code, string? reason = null, bool bearerChallenge = true)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"Expected {(int)status} {code}, got {(int)response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var json = JsonDocument.Parse(body).RootElement.Clone();
        Assert.Equal(code, json.GetProperty("code").GetString());
        Assert.Equal((int)status, json.GetProperty("status").GetInt32());
        if (reason is not null)
        {
            Assert.Equal(reason, json.GetProperty("reason").GetString());
        }

        if (status == HttpStatusCode.Unauthorized && bearerChallenge && code is not "invalid_credentials")
        {
            Assert.Contains("error=\"invalid_token\"", response.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
        }

        return json;
    }

    /// <summary>The <c>kid</c> of a JWT's header.</summary>
    public static string Kid(string jwt) =>
        JsonDocument.Parse(System.Buffers.Text.Base64Url.DecodeFromChars(jwt.Split('.')[0])).RootElement.GetProperty("kid").GetString()!;

    /// <summary>Decodes a JWT's payload claim (no validation: the tests look at what Baton minted).</summary>
    public static string Claim(string jwt, string name)
    {
        var payload = jwt.Split('.')[1];
        var json = JsonDocument.Parse(System.Buffers.Text.Base64Url.DecodeFromChars(payload)).RootElement;
        return json.GetProperty(name).ToString();
    }
}

/// <summary>A token pair as the API returns it.</summary>
public sealed record Pair(string AccessToken, string? RefreshToken, string SessionId, long ExpiresIn, long RefreshExpiresIn)
{
    public static Pair Of(JsonElement json) => new(
        json.GetProperty("access_token").GetString()!,
        json.TryGetProperty("refresh_token", out var r) && r.ValueKind == JsonValueKind.String ? r.GetString() : null,
        json.GetProperty("session_id").GetString()!,
        json.GetProperty("expires_in").GetInt64(),
        json.GetProperty("refresh_expires_in").GetInt64());
}
