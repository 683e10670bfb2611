using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace Baton.Cluster.Tests;

/// <summary>The few API calls the cluster tests make, against any node.</summary>
public static class ClusterClient
{
    public const string Password = "correct horse battery staple";

    public sealed record Pair(string AccessToken, string RefreshToken, string SessionId);

    public static async Task<string> RegisterAsync(HttpClient node, string username)
    {
        using var response = await node.PostAsJsonAsync("/v1/users", new { username, password = Password });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await JsonAsync(response)).GetProperty("id").GetString()!;
    }

    public static async Task<HttpResponseMessage> LoginAsync(HttpClient node, string username, string deviceId) =>
        await node.PostAsJsonAsync("/v1/auth/login", new { username, password = Password, device = new { id = deviceId, type = "web" } });

    public static async Task<Pair> LoginOkAsync(HttpClient node, string username, string deviceId = "device")
    {
        using var response = await LoginAsync(node, username, deviceId);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return PairOf(await JsonAsync(response));
    }

    public static Task<HttpResponseMessage> RefreshAsync(HttpClient node, string refreshToken) =>
        node.PostAsJsonAsync("/v1/auth/refresh", new { refresh_token = refreshToken });

    public static Task<HttpResponseMessage> MeAsync(HttpClient node, string accessToken)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/v1/me");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        return node.SendAsync(request);
    }

    public static Task<HttpResponseMessage> AdminAsync(HttpClient node, HttpMethod method, string path)
    {
        var request = new HttpRequestMessage(method, path);
        request.Headers.Add("X-Api-Key", BatonNode.AdminKey);
        return node.SendAsync(request);
    }

    public static async Task<JsonElement> JsonAsync(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();

    public static Pair PairOf(JsonElement json) => new(
        json.GetProperty("access_token").GetString()!,
        json.GetProperty("refresh_token").GetString()!,
        json.GetProperty("session_id").GetString()!);

    public static string Jti(string jwt) =>
        JsonDocument.Parse(System.Buffers.Text.Base64Url.DecodeFromChars(jwt.Split('.')[1])).RootElement.GetProperty("jti").GetString()!;

    public static string NewUsername() => "u-" + Guid.NewGuid().ToString("N")[..12];
}
