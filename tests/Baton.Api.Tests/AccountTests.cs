using System.Net;

namespace Baton.Api.Tests;

public sealed class LockoutFactory : BatonFactory
{
    public LockoutFactory()
    {
        Settings["Baton:Accounts:MaxFailedLogins"] = "3";
        Settings["Baton:Accounts:LockoutDuration"] = "00:05:00";
    }
}

public sealed class LockoutTests(LockoutFactory factory) : IClassFixture<LockoutFactory>
{
    private readonly BatonApi _api = BatonApi.For(factory);

    [Fact]
    public async Task Login_AfterMaxFailures_IsLocked_EvenWithRightPassword_UntilLockoutEnds()
    {
        var (_, username, _) = await _api.NewUserAsync();
        for (var i = 0; i < 2; i++)
        {
            using var wrong = await _api.LoginRawAsync(username, "definitely the wrong one");
            await BatonApi.AssertProblemAsync(wrong, HttpStatusCode.Unauthorized, "invalid_credentials");
        }

        // The failure that reaches the limit already answers that the account is locked.
        using var third = await _api.LoginRawAsync(username, "definitely the wrong one");
        await BatonApi.AssertProblemAsync(third, HttpStatusCode.Forbidden, "account_locked");
        using var locked = await _api.LoginRawAsync(username);
        await BatonApi.AssertProblemAsync(locked, HttpStatusCode.Forbidden, "account_locked");
        Assert.True(locked.Headers.RetryAfter?.Delta > TimeSpan.Zero);

        factory.Clock.Advance(TimeSpan.FromMinutes(5) + TimeSpan.FromSeconds(1));
        using var after = await _api.LoginRawAsync(username);
        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
    }

    [Fact]
    public async Task Login_Success_ResetsFailureCount()
    {
        var (_, username, _) = await _api.NewUserAsync();
        for (var i = 0; i < 2; i++)
        {
            using var wrong = await _api.LoginRawAsync(username, "definitely the wrong one");
        }

        using var ok = await _api.LoginRawAsync(username);
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        for (var i = 0; i < 2; i++)
        {
            using var wrong = await _api.LoginRawAsync(username, "definitely the wrong one");
        }

        using var stillOk = await _api.LoginRawAsync(username);
        Assert.Equal(HttpStatusCode.OK, stillOk.StatusCode);
    }
}

public sealed class RateLimitFactory : BatonFactory
{
    public RateLimitFactory()
    {
        Settings["Baton:RateLimits:LoginPerMinute"] = "3";
        Settings["Baton:RateLimits:RefreshPerMinute"] = "3";
        Settings["Baton:RateLimits:RegisterPerMinute"] = "2";
    }
}

public sealed class RateLimitTests(RateLimitFactory factory) : IClassFixture<RateLimitFactory>
{
    private readonly BatonApi _api = BatonApi.For(factory);

    [Theory]
    [InlineData("/v1/auth/login", "{\"username\":\"nobody\",\"password\":\"whatever it is\"}")]
    [InlineData("/v1/auth/refresh", "{\"refresh_token\":\"x.y.z\"}")]
    [InlineData("/v1/users", "{\"username\":\"\",\"password\":\"\"}")]
    public async Task Endpoint_OverBudget_Is429WithRetryAfter(string path, string body)
    {
        HttpResponseMessage? last = null;
        for (var i = 0; i < 5; i++)
        {
            last?.Dispose();
            last = await _api.PostRawAsync(path, body);
        }

        using var response = last!;
        await BatonApi.AssertProblemAsync(response, HttpStatusCode.TooManyRequests, "rate_limited");
        Assert.True(response.Headers.RetryAfter?.Delta > TimeSpan.Zero);
    }
}

public sealed class ClosedRegistrationFactory : BatonFactory
{
    public ClosedRegistrationFactory() => Settings["Baton:Accounts:AllowRegistration"] = "false";
}

public sealed class ClosedRegistrationTests(ClosedRegistrationFactory factory) : IClassFixture<ClosedRegistrationFactory>
{
    private readonly BatonApi _api = BatonApi.For(factory);

    [Fact]
    public async Task Register_WhenClosed_Is403_BootstrapAdminStillLogsIn()
    {
        using var register = await _api.PostJsonAsync("/v1/users", new { username = "someone", password = BatonApi.Password });
        await BatonApi.AssertProblemAsync(register, HttpStatusCode.Forbidden, "forbidden");

        var admin = await _api.LoginAsync(BatonFactory.AdminUsername, BatonFactory.AdminPassword);
        Assert.Contains("admin", BatonApi.Claim(admin.AccessToken, "roles"), StringComparison.Ordinal);
    }
}

public sealed class StartupValidationTests
{
    [Theory]
    [InlineData("Baton:Tokens:Issuer", "not a url", "Baton:Tokens:Issuer")]
    [InlineData("Baton:Sessions:MaxSessionsPerUser", "0", "Baton:Sessions:MaxSessionsPerUser")]
    [InlineData("Baton:Cookies:Name", "refresh", "Baton:Cookies:Name")]
    [InlineData("Baton:Accounts:PasswordIterations", "0", "Baton:Accounts:PasswordIterations")]
    [InlineData("Baton:Retention:AuditEvents", "-1.00:00:00", "Baton:Retention:AuditEvents must not be negative")]
    [InlineData("Baton:Retention:BatchSize", "0", "Baton:Retention:BatchSize must be between 1 and 1000000")]
    [InlineData("Baton:Retention:Interval", "00:00:00", "Baton:Retention:Interval must be at least 1 second")]
    public void Start_InvalidOption_FailsNamingTheSetting(string key, string value, string named)
    {
        using var factory = new BatonFactory();
        factory.Settings[key] = value;

        var error = Assert.ThrowsAny<Exception>(() => factory.CreateClient());

        Assert.Contains(named, error.ToString(), StringComparison.Ordinal);
    }
}
