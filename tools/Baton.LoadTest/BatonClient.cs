using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace Baton.LoadTest;

/// <summary>One HTTP connection pool per Baton node; every call is timed.</summary>
internal sealed class BatonClient : IDisposable
{
    private readonly HttpClient[] _nodes;
    private readonly string? _apiKey;

    public BatonClient(IReadOnlyList<Uri> urls, string? apiKey)
    {
        _apiKey = apiKey;
        _nodes = [.. urls.Select(u => new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 512, PooledConnectionLifetime = TimeSpan.FromMinutes(5) })
        {
            BaseAddress = u,
            Timeout = TimeSpan.FromSeconds(30),
        })];
    }

    public int NodeCount => _nodes.Length;

    public HttpClient Node(int index) => _nodes[index % _nodes.Length];

    public Task<Reply> IssueSessionAsync(int node, string userId, string deviceId) =>
        SendAsync(node, HttpMethod.Post, "/v1/sessions", new { user_id = userId, device = new { id = deviceId, type = "web" } }, apiKey: true);

    public Task<Reply> RegisterAsync(int node, string username, string password) =>
        SendAsync(node, HttpMethod.Post, "/v1/users", new { username, password });

    public Task<Reply> LoginAsync(int node, string username, string password, string deviceId) =>
        SendAsync(node, HttpMethod.Post, "/v1/auth/login", new { username, password, device = new { id = deviceId, type = "web" } });

    public Task<Reply> RefreshAsync(int node, string refreshToken) =>
        SendAsync(node, HttpMethod.Post, "/v1/auth/refresh", new { refresh_token = refreshToken });

    /// <summary>The protected call of the validate scenario.</summary>
    public string ProtectedPath { get; init; } = "/v1/me";

    public Task<Reply> MeAsync(int node, string accessToken) =>
        SendAsync(node, HttpMethod.Get, ProtectedPath, null, bearer: accessToken);

    public Task<Reply> KickAsync(int node, string userId) =>
        SendAsync(node, HttpMethod.Post, $"/v1/admin/users/{Uri.EscapeDataString(userId)}/kick", null, apiKey: true);

    public async Task<Reply> SendAsync(int node, HttpMethod method, string path, object? body, string? bearer = null, bool apiKey = false)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = JsonContent.Create(body);
        }

        if (bearer is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        }

        if (apiKey && _apiKey is not null)
        {
            request.Headers.Add("X-Api-Key", _apiKey);
        }

        var start = Stopwatch.GetTimestamp();
        try
        {
            using var response = await Node(node).SendAsync(request);
            var text = await response.Content.ReadAsStringAsync();
            var elapsed = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            JsonElement json = default;
            if (text.Length > 0 && text[0] is '{' or '[')
            {
                json = JsonDocument.Parse(text).RootElement.Clone();
            }

            return new Reply(response.StatusCode, json, elapsed, response.Headers.RetryAfter is not null);
        }
        catch (HttpRequestException)
        {
            return new Reply(0, default, Stopwatch.GetElapsedTime(start).TotalMilliseconds);
        }
    }

    public void Dispose()
    {
        foreach (var node in _nodes)
        {
            node.Dispose();
        }
    }
}

/// <summary>A timed answer.</summary>
internal readonly record struct Reply(HttpStatusCode Status, JsonElement Json, double Milliseconds, bool HasRetryAfter = false)
{
    public bool IsOk => Status is HttpStatusCode.OK or HttpStatusCode.Created;

    /// <summary>Baton's stable error code, or the status when the body has none.</summary>
    public string Code => Json.ValueKind == JsonValueKind.Object && Json.TryGetProperty("code", out var code)
        ? code.GetString() ?? "?"
        : Status == 0 ? "connection_failed" : ((int)Status).ToString(System.Globalization.CultureInfo.InvariantCulture);

    public string Get(string name) => Json.GetProperty(name).GetString()!;

    public void Record(Recorder recorder)
    {
        if (IsOk)
        {
            recorder.Success(Milliseconds);
        }
        else
        {
            recorder.Error(Code, Milliseconds);
        }
    }
}
