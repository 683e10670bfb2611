using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace Baton.Cluster.Tests;

/// <summary>The few calls of Baton's HTTP API the cluster tests make, on one front, as a client sees them.</summary>
internal static class FrontApi
{
    private static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    /// <summary>A trusted backend starts a session for <paramref name="userId"/> (<c>POST /v1/sessions</c>, API key).</summary>
    public static Task<Reply> IssueAsync(BatonNode front, string userId, string deviceType = "web") =>
        SendAsync(front, HttpMethod.Post, "/v1/sessions", JsonContent.Create(new { user_id = userId, device = new { type = deviceType } }), apiKey: true);

    /// <summary><c>POST /v1/auth/refresh</c>.</summary>
    public static Task<Reply> RefreshAsync(BatonNode front, string refreshToken) =>
        SendAsync(front, HttpMethod.Post, "/v1/auth/refresh", JsonContent.Create(new { refresh_token = refreshToken }));

    /// <summary><c>GET /v1/me</c> with the access token: 200 while the front accepts it.</summary>
    public static Task<Reply> MeAsync(BatonNode front, string accessToken) =>
        SendAsync(front, HttpMethod.Get, "/v1/me", null, bearer: accessToken);

    /// <summary><c>POST /v1/admin/users/{id}/kick</c> (API key with <c>sessions:admin</c>).</summary>
    public static Task<Reply> KickAsync(BatonNode front, string userId) =>
        SendAsync(front, HttpMethod.Post, $"/v1/admin/users/{Uri.EscapeDataString(userId)}/kick", null, apiKey: true);

    /// <summary>A session start that must succeed (seeding); throws with the answer otherwise.</summary>
    public static async Task<Tokens> SeedAsync(BatonNode front, string userId, string deviceType = "web")
    {
        var reply = await IssueAsync(front, userId, deviceType);
        return reply.Tokens ?? throw new InvalidOperationException($"Seeding {userId} on {front.Name} failed: {reply}{Environment.NewLine}{front.OutputTail()}");
    }

    private static async Task<Reply> SendAsync(BatonNode front, HttpMethod method, string path, HttpContent? content, bool apiKey = false, string? bearer = null)
    {
        using var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative)) { Content = content };
        if (apiKey)
        {
            request.Headers.Add("X-Api-Key", LocalCluster.ApiKey);
        }

        if (bearer is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        }

        try
        {
            using var response = await front.Http.SendAsync(request);
            var body = await response.Content.ReadAsStringAsync();
            Tokens? tokens = null;
            string? code = null;
            if (response.StatusCode == HttpStatusCode.OK && body.Contains("\"access_token\"", StringComparison.Ordinal))
            {
                var pair = JsonSerializer.Deserialize<TokenPair>(body, Json)!;
                tokens = new Tokens(pair.AccessToken, pair.RefreshToken, pair.SessionId);
            }
            else if (body.StartsWith('{'))
            {
                using var problem = JsonDocument.Parse(body);
                code = problem.RootElement.TryGetProperty("code", out var c) ? c.GetString() : null;
            }

            return new Reply(response.StatusCode, tokens, response.Headers.RetryAfter is not null, code, body);
        }
        catch (HttpRequestException e)
        {
            return new Reply(0, null, false, null, e.Message);
        }
        catch (TaskCanceledException e)
        {
            // HttpClient's timeout: the front did not answer in time.
            return new Reply(0, null, false, null, e.Message);
        }
    }

    private sealed record TokenPair(string AccessToken, string RefreshToken, string SessionId);
}
