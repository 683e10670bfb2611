using System.Net;
using Baton.Testing.Sqlite;
using static Baton.Api.Tests.ApiKeyHeaders;

namespace Baton.Api.Tests;

/// <summary>
/// SECURITY.md 32 (DESIGN.md I7) on the embedded default: the SQLite file stops taking writes under
/// a running server. Another process holds the file's write lock (BEGIN IMMEDIATE) for longer than
/// the server's busy timeout, which is what a stuck backup, a second program on the file or a
/// hung disk looks like to SQLite, and unlike chmod it also stops root.
/// </summary>
public sealed class StorageFaultTests : IDisposable
{
    private readonly BatonFactory _factory = new();
    private readonly BatonApi _api;

    public StorageFaultTests()
    {
        _factory.Settings["Baton:Sqlite:BusyTimeout"] = "00:00:00.200";
        _api = BatonApi.For(_factory);
    }

    public void Dispose() => _factory.Dispose();

    [Fact]
    public async Task StorageDown_LoginRefreshAndKick_Are503WithRetryAfter_ThenTheUnconsumedRefreshTokenWorks()
    {
        var (userId, username, pair) = await _api.NewUserAsync();
        var before = await SessionsAsync(userId);

        using (HoldWriteLock())
        {
            using var login = await _api.LoginRawAsync(username);
            using var refresh = await _api.RefreshRawAsync(pair.RefreshToken);
            using var kick = await _api.PostJsonAsync($"/v1/admin/users/{userId}/kick", null, headers: AdminKey);

            await AssertUnavailableAsync(login);
            await AssertUnavailableAsync(refresh);
            await AssertUnavailableAsync(kick);
        }

        // Nothing of the refused calls persisted: the same one session, still on its first token.
        var after = await SessionsAsync(userId);
        Assert.Equal(before, after);
        var next = await _api.RefreshAsync(pair.RefreshToken!);
        Assert.Equal(pair.SessionId, next.SessionId);
        Assert.NotEqual(BatonApi.Claim(pair.RefreshToken!, "jti"), BatonApi.Claim(next.RefreshToken!, "jti"));
        using var me = await _api.GetAsync("/v1/me", next.AccessToken);
        Assert.Equal(HttpStatusCode.OK, me.StatusCode);
    }

    [Fact]
    public async Task StorageDown_RefreshRetriedDuringTheOutage_NeverAnswers200Or500()
    {
        var (_, _, pair) = await _api.NewUserAsync();
        var statuses = new List<HttpStatusCode>();

        using (HoldWriteLock())
        {
            // Ten tabs keep retrying through the outage: each one is refused, none gets a token storage does not hold.
            var responses = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => _api.RefreshRawAsync(pair.RefreshToken)));
            foreach (var response in responses)
            {
                statuses.Add(response.StatusCode);
                await AssertUnavailableAsync(response);
                response.Dispose();
            }
        }

        Assert.All(statuses, s => Assert.Equal(HttpStatusCode.ServiceUnavailable, s));
        var next = await _api.RefreshAsync(pair.RefreshToken!);
        var again = await _api.RefreshAsync(pair.RefreshToken!);
        Assert.Equal(BatonApi.Claim(next.RefreshToken!, "jti"), BatonApi.Claim(again.RefreshToken!, "jti"));
    }

    private static async Task AssertUnavailableAsync(HttpResponseMessage response)
    {
        await BatonApi.AssertProblemAsync(response, HttpStatusCode.ServiceUnavailable, "unavailable");
        Assert.True(response.Headers.RetryAfter?.Delta > TimeSpan.Zero, $"Retry-After: {response.Headers.RetryAfter}");
    }

    /// <summary>The user's sessions as the admin API lists them (id, state and generation-bearing fields), as JSON text.</summary>
    private async Task<string> SessionsAsync(string userId)
    {
        using var response = await _api.GetAsync($"/v1/admin/users/{userId}/sessions", headers: AdminKey);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsStringAsync();
    }

    /// <summary>Another connection's write transaction on the server's file until disposed.</summary>
    private HeldWriteLock HoldWriteLock() => new(_factory.DatabasePath);
}
