using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Baton.Client;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Time.Testing;

namespace Baton.Client.Tests;

/// <summary>
/// The real Baton.Api through the test server, on a SQLite file of its own, with a date the test
/// moves so access tokens expire. The reuse grace is zero, so a second refresh with a rotated
/// token ends the session (reuse_detected) instead of being forgiven: a client that refreshed
/// twice cannot pass.
/// </summary>
public sealed class BatonServer : WebApplicationFactory<Program>
{
    public const string Password = "correct horse battery staple";
    public const string AdminKey = "admin-key-for-client-tests";

    private readonly string _directory = Directory.CreateTempSubdirectory("baton-client-tests-").FullName;

    public FakeTimeProvider Clock { get; } = new(DateTimeOffset.UtcNow);

    /// <summary>A plain client (no Baton handler) for signing in and admin calls.</summary>
    public HttpClient Plain => field ??= CreateClient();

    /// <summary>Registers a fresh user and signs in; returns the user id and the token pair.</summary>
    public async Task<(string UserId, string Username, BatonTokens Tokens)> NewUserAsync()
    {
        var username = "user-" + Guid.NewGuid().ToString("N")[..12];
        using var registered = await Plain.PostAsJsonAsync("/v1/users", new { username, password = Password });
        registered.EnsureSuccessStatusCode();
        var id = (await registered.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
        return (id, username, await LoginAsync(username, Password));
    }

    public async Task<BatonTokens> LoginAsync(string username, string password)
    {
        using var response = await Plain.PostAsJsonAsync("/v1/auth/login", new { username, password });
        response.EnsureSuccessStatusCode();
        return await PairOf(response);
    }

    /// <summary>Rotates the refresh token outside the client under test.</summary>
    public async Task<BatonTokens> RefreshAsync(BatonTokens tokens)
    {
        using var response = await Plain.PostAsJsonAsync("/v1/auth/refresh", new { refresh_token = tokens.RefreshToken });
        response.EnsureSuccessStatusCode();
        return await PairOf(response);
    }

    public async Task KickAsync(string userId)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/v1/admin/users/{userId}/kick");
        request.Headers.Add("X-Api-Key", AdminKey);
        using var response = await Plain.SendAsync(request);
        response.EnsureSuccessStatusCode();
    }

    /// <summary>Moves the date past the access token's lifetime (15 minutes) and the validation skew (30 s).</summary>
    public void ExpireAccessTokens() => Clock.Advance(TimeSpan.FromMinutes(16));

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("Baton:Sqlite:Path", Path.Combine(_directory, "baton.db"));
        builder.UseSetting("Baton:Sessions:MaxSessionsPerUser", "5");
        builder.UseSetting("Baton:Sessions:RefreshReuseGrace", "00:00:00");
        builder.UseSetting("Baton:Accounts:PasswordIterations", "1000");
        builder.UseSetting("Baton:RateLimits:LoginPerMinute", "0");
        builder.UseSetting("Baton:RateLimits:RegisterPerMinute", "0");
        builder.UseSetting("Baton:RateLimits:RefreshPerMinute", "0");
        builder.UseSetting("Baton:RateLimits:PasswordChecksPerMinute", "0");
        builder.UseSetting("Baton:ApiKeys:Keys:0:Name", "ops");
        builder.UseSetting("Baton:ApiKeys:Keys:0:Sha256", Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(AdminKey))));
        builder.UseSetting("Baton:ApiKeys:Keys:0:Scopes:0", "sessions:admin");
        builder.ConfigureServices(services =>
        {
            services.RemoveAll<TimeProvider>();
            services.AddSingleton<TimeProvider>(new DateOnlyClock(Clock));
        });
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing)
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            try
            {
                Directory.Delete(_directory, recursive: true);
            }
            catch (IOException)
            {
                // A file still open on a slow shutdown; the temp directory is cleaned by the OS.
            }
        }
    }

    private static async Task<BatonTokens> PairOf(HttpResponseMessage response)
    {
        var json = await response.Content.ReadFromJsonAsync<JsonElement>();
        return new BatonTokens(json.GetProperty("access_token").GetString()!, json.GetProperty("refresh_token").GetString()!);
    }

    /// <summary>
    /// The test's date with real timers: Orleans' timeouts and the co-hosted silo must keep
    /// running while the date stands still (as Baton.Api.Tests' ServerClock does).
    /// </summary>
    private sealed class DateOnlyClock(FakeTimeProvider date) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => date.GetUtcNow();

        public override TimeZoneInfo LocalTimeZone => TimeZoneInfo.Utc;
    }
}
