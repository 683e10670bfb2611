using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Baton.External.Tests;

/// <summary>
/// Baton through the test server on a SQLite file of its own, with external providers pointing at
/// a <see cref="FakeProvider"/> on loopback: <c>gitee</c> (the gitee preset with its endpoints moved
/// to the fake), <c>corp</c> (OIDC from the fake's discovery document), <c>strict</c> (gitee-like,
/// creates no users) and <c>off</c> (disabled). Single-device policy, Baton's default.
/// </summary>
public sealed class ExternalBaton(FakeProvider provider, IReadOnlyDictionary<string, string?>? overrides = null) : WebApplicationFactory<Program>
{
    public const string ReturnTo = "https://app.example/signed-in";
    public const string AdminKey = "admin-key-for-external-tests";

    private readonly string _directory = Directory.CreateTempSubdirectory("baton-external-tests-").FullName;

    public FakeProvider Provider { get; } = provider;

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        var fake = Provider.BaseUrl;
        var settings = new Dictionary<string, string?>
        {
            ["Baton:Sqlite:Path"] = Path.Combine(_directory, "baton.db"),
            ["Baton:Accounts:PasswordIterations"] = "1000",
            ["Baton:RateLimits:LoginPerMinute"] = "0",
            ["Baton:RateLimits:RegisterPerMinute"] = "0",
            ["Baton:RateLimits:RefreshPerMinute"] = "0",
            ["Baton:RateLimits:PasswordChecksPerMinute"] = "0",
            ["Baton:ApiKeys:Keys:0:Name"] = "ops",
            ["Baton:ApiKeys:Keys:0:Sha256"] = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(AdminKey))),
            ["Baton:ApiKeys:Keys:0:Scopes:0"] = "sessions:admin",
            ["Baton:External:ReturnUrls:0"] = ReturnTo,
            ["Baton:External:ReturnUrls:1"] = "https://app.example/settings/",
            ["Baton:External:HttpTimeout"] = "00:00:01",
            ["Baton:External:Providers:gitee:ClientId"] = FakeProvider.OAuthClientId,
            ["Baton:External:Providers:gitee:ClientSecret"] = FakeProvider.OAuthClientSecret,
            ["Baton:External:Providers:gitee:AuthorizationEndpoint"] = fake + "/authorize",
            ["Baton:External:Providers:gitee:TokenEndpoint"] = fake + "/token",
            ["Baton:External:Providers:gitee:UserInfoEndpoint"] = fake + "/user",
            ["Baton:External:Providers:gitee:RequireHttps"] = "false",
            ["Baton:External:Providers:gitee:CreateUsers"] = "true",
            ["Baton:External:Providers:corp:Type"] = "oidc",
            ["Baton:External:Providers:corp:Authority"] = fake,
            ["Baton:External:Providers:corp:ClientId"] = FakeProvider.OidcClientId,
            ["Baton:External:Providers:corp:ClientSecret"] = FakeProvider.OidcClientSecret,
            ["Baton:External:Providers:corp:RequireHttps"] = "false",
            ["Baton:External:Providers:corp:CreateUsers"] = "true",
            ["Baton:External:Providers:strict:Type"] = "gitee",
            ["Baton:External:Providers:strict:ClientId"] = FakeProvider.OAuthClientId,
            ["Baton:External:Providers:strict:ClientSecret"] = FakeProvider.OAuthClientSecret,
            ["Baton:External:Providers:strict:AuthorizationEndpoint"] = fake + "/authorize",
            ["Baton:External:Providers:strict:TokenEndpoint"] = fake + "/token",
            ["Baton:External:Providers:strict:UserInfoEndpoint"] = fake + "/user",
            ["Baton:External:Providers:strict:RequireHttps"] = "false",
            ["Baton:External:Providers:off:Type"] = "github",
            ["Baton:External:Providers:off:Enabled"] = "false",
        };
        foreach (var (key, value) in overrides ?? new Dictionary<string, string?>())
        {
            settings[key] = value;
        }

        foreach (var (key, value) in settings)
        {
            builder.UseSetting(key, value);
        }
    }

    /// <summary>A browser: a cookie-keeping client for Baton on https://localhost, redirects followed by the test.</summary>
    public Browser NewBrowser() => new(CreateClient(new WebApplicationFactoryClientOptions
    {
        BaseAddress = new Uri("https://localhost"),
        HandleCookies = true,
        AllowAutoRedirect = false,
    }));

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
}
