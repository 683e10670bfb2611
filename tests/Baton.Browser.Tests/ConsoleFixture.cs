using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;

namespace Baton.Browser.Tests;

/// <summary>
/// One Baton.Api process (30 s access tokens, no clock skew, no rate limits, an admin, the provider
/// <c>gitee</c> pointing at a <see cref="FakeProvider"/> on loopback with the console as its return URL)
/// and one headless chromium for the console tests, which run one after another so metric deltas are theirs.
/// </summary>
public sealed class ConsoleFixture : IAsyncLifetime
{
    public const string AdminUsername = "admin";
    public const string AdminPassword = "console admin passphrase";
    public const string Password = "a long passphrase";
    public static readonly TimeSpan AccessTokenLifetime = TimeSpan.FromSeconds(30);

    private readonly string _directory = Path.Combine(Path.GetTempPath(), $"baton-browser-{Guid.NewGuid():N}");
    private IPlaywright? _playwright;
    private IBrowser? _browser;
    private BatonProcess? _baton;
    private FakeProvider? _provider;

    public BatonProcess Baton => _baton ?? throw new InvalidOperationException("Baton did not start.");

    /// <summary>The OAuth 2.0 provider Baton knows as <c>gitee</c> (the gitee preset, its endpoints moved here).</summary>
    public FakeProvider Provider => _provider ?? throw new InvalidOperationException("The fake provider did not start.");

    public IBrowser Browser => _browser ?? throw new InvalidOperationException("chromium did not start.");

    public string Console => new Uri(Baton.Address, "/console/").ToString();

    /// <summary>Where screenshots go: the test output directory.</summary>
    public static string Screenshots { get; } = Path.Combine(AppContext.BaseDirectory, "screenshots");

    public async Task InitializeAsync()
    {
        if (!File.Exists(ChromiumFactAttribute.ExecutablePath) && string.IsNullOrEmpty(Environment.GetEnvironmentVariable("CI")))
        {
            return; // Every test here is skipped.
        }

        Directory.CreateDirectory(_directory);
        Directory.CreateDirectory(Screenshots);
        _provider = await FakeProvider.StartAsync();
        var port = BatonProcess.FreeLoopbackPort();
        var fake = _provider.BaseUrl;
        _baton = await BatonProcess.StartAsync(Path.Combine(_directory, "baton.db"), new Dictionary<string, string>
        {
            ["Baton:External:ReturnUrls:0"] = $"http://127.0.0.1:{port}/console/",
            ["Baton:External:Providers:gitee:ClientId"] = FakeProvider.OAuthClientId,
            ["Baton:External:Providers:gitee:ClientSecret"] = FakeProvider.OAuthClientSecret,
            ["Baton:External:Providers:gitee:AuthorizationEndpoint"] = fake + "/authorize",
            ["Baton:External:Providers:gitee:TokenEndpoint"] = fake + "/token",
            ["Baton:External:Providers:gitee:UserInfoEndpoint"] = fake + "/user",
            ["Baton:External:Providers:gitee:RequireHttps"] = "false",
            ["Baton:External:Providers:gitee:CreateUsers"] = "true",
            ["Baton:Bootstrap:AdminUsername"] = AdminUsername,
            ["Baton:Bootstrap:AdminPassword"] = AdminPassword,
            ["Baton:Tokens:AccessTokenLifetime"] = AccessTokenLifetime.ToString("c", CultureInfo.InvariantCulture),
            ["Baton:Tokens:ClockSkew"] = "00:00:00",
            ["Baton:RateLimits:LoginPerMinute"] = "0",
            ["Baton:RateLimits:RegisterPerMinute"] = "0",
            ["Baton:RateLimits:RefreshPerMinute"] = "0",
            ["Baton:RateLimits:PasswordChecksPerMinute"] = "0",
        }, port: port);
        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumFactAttribute.ExecutablePath,
            Headless = true,
        });
    }

    public async Task DisposeAsync()
    {
        if (_browser is not null)
        {
            await _browser.CloseAsync();
        }

        _playwright?.Dispose();
        if (_baton is not null)
        {
            await _baton.DisposeAsync();
        }

        if (_provider is not null)
        {
            await _provider.DisposeAsync();
        }

        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    public Task<IBrowserContext> NewContextAsync() =>
        Browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 1200, Height = 800 } });

    /// <summary>Registers a user through the API; returns its username and id.</summary>
    public async Task<(string Username, string Id)> RegisterAsync(string prefix)
    {
        var username = $"{prefix}-{Guid.NewGuid():N}"[..24];
        using var response = await Baton.Http.PostAsJsonAsync(new Uri("/v1/users", UriKind.Relative), new { username, password = Password });
        response.EnsureSuccessStatusCode();
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return (username, body.RootElement.GetProperty("id").GetString()!);
    }

    /// <summary>Signs in through the console's form and waits for the account page.</summary>
    public async Task<IPage> SignInAsync(IBrowserContext context, string username, string password = Password, string? fragment = null)
    {
        var page = await context.NewPageAsync();
        await page.GotoAsync(Console + fragment);
        await page.GetByLabel("Username").FillAsync(username);
        await page.GetByLabel("Password", new PageGetByLabelOptions { Exact = true }).FillAsync(password);
        await page.GetByRole(AriaRole.Button, new PageGetByRoleOptions { Name = "Sign in" }).ClickAsync();
        await Assertions.Expect(page.Locator("#who-name")).ToHaveTextAsync(username);
        return page;
    }

    /// <summary>The sum of a Prometheus counter's series whose labels include <paramref name="label"/> (for example <c>kind="rotated"</c>).</summary>
    public async Task<double> CounterAsync(string name, string label)
    {
        var text = await Baton.Http.GetStringAsync(new Uri("/metrics", UriKind.Relative));
        return text.Split('\n')
            .Where(line => line.StartsWith(name + "{", StringComparison.Ordinal) && line.Contains(label, StringComparison.Ordinal))
            .Sum(line => double.Parse(line.Split(' ')[1], CultureInfo.InvariantCulture));
    }

    public static Task ScreenshotAsync(IPage page, string name) =>
        page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Screenshots, name + ".png"), FullPage = true });
}

[CollectionDefinition(Name)]
public sealed class ConsoleTestGroup : ICollectionFixture<ConsoleFixture>
{
    public const string Name = "console";
}
