using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Time.Testing;

namespace Baton.Api.Tests;

/// <summary>
/// Baton over real HTTP through the test server, on a real SQLite file of its own, with a
/// settable clock. Settings can be overridden per test class through <see cref="Settings"/>.
/// </summary>
public class BatonFactory : WebApplicationFactory<Program>
{
    public const string AdminUsername = "root-admin";
    public const string AdminPassword = "correct horse battery staple";
    public const string IssueKey = "issue-key-for-tests";
    public const string AdminKey = "admin-key-for-tests";
    public const string IntrospectKey = "introspect-key-for-tests";

    private readonly string _directory = Directory.CreateTempSubdirectory("baton-server-tests-").FullName;

    public FakeTimeProvider Clock { get; } = new(DateTimeOffset.UtcNow);

    /// <summary>Configuration on top of the defaults below; set before the first client is created.</summary>
    public Dictionary<string, string?> Settings { get; } = new(StringComparer.OrdinalIgnoreCase);

    public string DatabasePath => Path.Combine(_directory, "baton.db");

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        var settings = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase)
        {
            ["Baton:Sqlite:Path"] = DatabasePath,
            // Most tests sign in on several devices; the single-device default has its own tests.
            ["Baton:Sessions:MaxSessionsPerUser"] = "5",
            // Fast hashes: the tests exercise the logic, not PBKDF2's cost.
            ["Baton:Accounts:PasswordIterations"] = "1000",
            ["Baton:RateLimits:LoginPerMinute"] = "0",
            ["Baton:RateLimits:RegisterPerMinute"] = "0",
            ["Baton:RateLimits:RefreshPerMinute"] = "0",
            ["Baton:RateLimits:PasswordChecksPerMinute"] = "0",
            ["Baton:Bootstrap:AdminUsername"] = AdminUsername,
            ["Baton:Bootstrap:AdminPassword"] = AdminPassword,
            ["Baton:ApiKeys:Keys:0:Name"] = "issuer",
            ["Baton:ApiKeys:Keys:0:Sha256"] = Sha256(IssueKey),
            ["Baton:ApiKeys:Keys:0:Scopes:0"] = "sessions:issue",
            ["Baton:ApiKeys:Keys:1:Name"] = "ops",
            ["Baton:ApiKeys:Keys:1:Sha256"] = Sha256(AdminKey),
            ["Baton:ApiKeys:Keys:1:Scopes:0"] = "sessions:admin",
            ["Baton:ApiKeys:Keys:2:Name"] = "resource-server",
            ["Baton:ApiKeys:Keys:2:Sha256"] = Sha256(IntrospectKey),
            ["Baton:ApiKeys:Keys:2:Scopes:0"] = "tokens:introspect",
        };
        foreach (var (key, value) in Settings)
        {
            settings[key] = value;
        }

        foreach (var (key, value) in settings)
        {
            builder.UseSetting(key, value);
        }

        builder.ConfigureServices(services =>
        {
            services.RemoveAll<TimeProvider>();
            services.AddSingleton<TimeProvider>(new ServerClock(Clock));
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

    private static string Sha256(string key) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));
}
