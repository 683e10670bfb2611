using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace Baton.External.Tests;

/// <summary>
/// A browser for the external flows: Baton's client keeps the cookies (the flow cookie, the refresh
/// cookie); the provider is reached over real HTTP on loopback; every redirect is followed here.
/// </summary>
public sealed class Browser(HttpClient baton) : IDisposable
{
    private static readonly HttpClient ToProvider = new(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false });

    public HttpClient Baton { get; } = baton;

    /// <summary>Starts a sign-in: Baton's answer to GET /v1/auth/external/{provider}.</summary>
    public Task<HttpResponseMessage> StartAsync(string provider, string query = "") =>
        Baton.GetAsync($"/v1/auth/external/{provider}?return_to={Uri.EscapeDataString(ExternalBaton.ReturnTo)}{query}");

    /// <summary>Follows a redirect to the provider's /authorize, which redirects back: that callback URL, not yet visited.</summary>
    public static async Task<Uri> AuthorizeAsync(Uri authorize)
    {
        using var response = await ToProvider.GetAsync(authorize);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        return response.Headers.Location!;
    }

    /// <summary>Visits Baton's callback as the provider sent the browser to it.</summary>
    public Task<HttpResponseMessage> CallbackAsync(Uri callback) => Baton.GetAsync(callback.PathAndQuery);

    /// <summary>The whole round trip: start, provider, callback; Baton's answer to the callback.</summary>
    public async Task<HttpResponseMessage> SignInAsync(string provider, string query = "")
    {
        using var started = await StartAsync(provider, query);
        Assert.Equal(HttpStatusCode.Redirect, started.StatusCode);
        return await CallbackAsync(await AuthorizeAsync(started.Headers.Location!));
    }

    /// <summary>Signs in with a one-time code and exchanges it: the token pair's JSON.</summary>
    public async Task<JsonElement> SignInWithCodeAsync(string provider, string query = "")
    {
        using var callback = await SignInAsync(provider, query);
        Assert.Equal(HttpStatusCode.Redirect, callback.StatusCode);
        using var exchanged = await ExchangeAsync(CodeOf(callback));
        Assert.Equal(HttpStatusCode.OK, exchanged.StatusCode);
        return await JsonOf(exchanged);
    }

    public Task<HttpResponseMessage> ExchangeAsync(string code) =>
        Baton.PostAsJsonAsync("/v1/auth/external/exchange", new { code });

    public Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string accessToken, object? body = null)
    {
        var request = new HttpRequestMessage(method, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        if (body is not null)
        {
            request.Content = JsonContent.Create(body);
        }

        return Baton.SendAsync(request);
    }

    /// <summary>The one-time code in a callback's redirect to the app.</summary>
    public static string CodeOf(HttpResponseMessage callback)
    {
        var location = callback.Headers.Location!;
        Assert.StartsWith(ExternalBaton.ReturnTo + "?code=", location.AbsoluteUri, StringComparison.Ordinal);
        return Uri.UnescapeDataString(location.Query["?code=".Length..]);
    }

    public static async Task<JsonElement> JsonOf(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();

    public static async Task<string?> CodeOfProblem(HttpResponseMessage response) =>
        (await JsonOf(response)).TryGetProperty("code", out var code) ? code.GetString() : null;

    public void Dispose() => Baton.Dispose();
}
