using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using static Baton.Api.Tests.ApiKeyHeaders;

namespace Baton.Api.Tests;

/// <summary>SECURITY.md 47: every password check counts toward one lockout, which answers alike for unknown usernames.</summary>
public sealed class PasswordGuessingTests(LockoutFactory factory) : IClassFixture<LockoutFactory>
{
    private const string Wrong = "definitely the wrong one";

    // As LockoutFactory configures them.
    private const int MaxFailures = 3;
    private static readonly TimeSpan Lockout = TimeSpan.FromMinutes(5);

    private readonly BatonApi _api = BatonApi.For(factory);

    [Fact]
    public async Task ChangePassword_WrongCurrentPassword_CountsTowardLockout()
    {
        var (userId, username, pair) = await _api.NewUserAsync();
        for (var i = 1; i < MaxFailures; i++)
        {
            using var wrong = await ChangeAsync(pair.AccessToken, Wrong);
            await BatonApi.AssertProblemAsync(wrong, HttpStatusCode.Unauthorized, "invalid_credentials");
            Assert.Equal(i, (await UserAsync(userId)).GetProperty("failed_logins").GetInt32());
        }

        // The failure that reaches the limit answers as a login's does, and logins are locked out too.
        using var last = await ChangeAsync(pair.AccessToken, Wrong);
        await BatonApi.AssertProblemAsync(last, HttpStatusCode.Forbidden, "account_locked");
        Assert.True(last.Headers.RetryAfter?.Delta > TimeSpan.Zero);
        using var login = await _api.LoginRawAsync(username);
        await BatonApi.AssertProblemAsync(login, HttpStatusCode.Forbidden, "account_locked");
        Assert.True(login.Headers.RetryAfter?.Delta > TimeSpan.Zero);
        Assert.NotEqual(JsonValueKind.Null, (await UserAsync(userId)).GetProperty("locked_out_until").ValueKind);
    }

    [Fact]
    public async Task ChangePassword_AfterFailedLogins_SharesTheirCount()
    {
        var (_, username, pair) = await _api.NewUserAsync();
        for (var i = 1; i < MaxFailures; i++)
        {
            using var wrong = await _api.LoginRawAsync(username, Wrong);
            await BatonApi.AssertProblemAsync(wrong, HttpStatusCode.Unauthorized, "invalid_credentials");
        }

        using var change = await ChangeAsync(pair.AccessToken, Wrong);
        await BatonApi.AssertProblemAsync(change, HttpStatusCode.Forbidden, "account_locked");
        Assert.True(change.Headers.RetryAfter?.Delta > TimeSpan.Zero);
    }

    [Fact]
    public async Task ChangePassword_GuessesReachingLockout_EndTheCallingSessionOnly()
    {
        var (_, username, guessing) = await _api.NewUserAsync(new { id = "stolen", type = "desktop" });
        var other = await _api.LoginAsync(username, device: new { id = "phone", type = "mobile" });
        for (var i = 0; i < MaxFailures; i++)
        {
            using var wrong = await ChangeAsync(guessing.AccessToken, Wrong);
        }

        using (var me = await _api.GetAsync("/v1/me", guessing.AccessToken))
        {
            await BatonApi.AssertProblemAsync(me, HttpStatusCode.Unauthorized, "session_ended", "account_locked");
        }

        using (var refresh = await _api.RefreshRawAsync(guessing.RefreshToken))
        {
            await BatonApi.AssertProblemAsync(refresh, HttpStatusCode.Unauthorized, "session_ended", "account_locked");
        }

        // After the lockout the ended session cannot guess again; the user's other session went on throughout.
        factory.Clock.Advance(Lockout + TimeSpan.FromSeconds(1));
        using (var again = await ChangeAsync(guessing.AccessToken, Wrong))
        {
            await BatonApi.AssertProblemAsync(again, HttpStatusCode.Unauthorized, "session_ended", "account_locked");
        }

        using var stillIn = await _api.GetAsync("/v1/me", other.AccessToken);
        Assert.Equal(HttpStatusCode.OK, stillIn.StatusCode);
    }

    [Fact]
    public async Task ChangePassword_WhileLockedOut_IsRefusedEvenWithTheRightPassword()
    {
        var (_, username, pair) = await _api.NewUserAsync();
        for (var i = 0; i < MaxFailures; i++)
        {
            using var wrong = await _api.LoginRawAsync(username, Wrong);
        }

        using (var change = await ChangeAsync(pair.AccessToken, BatonApi.Password, "a brand new passphrase"))
        {
            await BatonApi.AssertProblemAsync(change, HttpStatusCode.Forbidden, "account_locked");
            Assert.True(change.Headers.RetryAfter?.Delta > TimeSpan.Zero);
        }

        // Refused answers alike whether the password was right, so the session is not ended for it.
        using (var me = await _api.GetAsync("/v1/me", pair.AccessToken))
        {
            Assert.Equal(HttpStatusCode.OK, me.StatusCode);
        }

        factory.Clock.Advance(Lockout + TimeSpan.FromSeconds(1));
        using var oldPassword = await _api.LoginRawAsync(username);
        Assert.Equal(HttpStatusCode.OK, oldPassword.StatusCode);
    }

    [Fact]
    public async Task Login_UnknownUsername_LocksOutLikeAnExistingOne()
    {
        var (_, existing, _) = await _api.NewUserAsync();
        var unknown = "nobody-" + Guid.NewGuid().ToString("N")[..12];

        var known = await AnswersAsync(existing, MaxFailures + 2);
        var unknowns = await AnswersAsync(unknown, MaxFailures + 2);

        List<(int, string?, bool)> expected =
        [
            .. Enumerable.Repeat<(int, string?, bool)>((401, "invalid_credentials", false), MaxFailures - 1),
            .. Enumerable.Repeat<(int, string?, bool)>((403, "account_locked", true), 3),
        ];
        Assert.Equal(expected, known);
        Assert.Equal(known, unknowns);
    }

    [Fact]
    public async Task Login_UnknownUsername_LockoutEndsLikeAnExistingOne()
    {
        var (_, existing, _) = await _api.NewUserAsync();
        var unknown = "nobody-" + Guid.NewGuid().ToString("N")[..12];
        await AnswersAsync(existing, MaxFailures);
        await AnswersAsync(unknown, MaxFailures);

        factory.Clock.Advance(Lockout + TimeSpan.FromSeconds(1));

        Assert.Equal(await AnswersAsync(existing, MaxFailures + 1), await AnswersAsync(unknown, MaxFailures + 1));
    }

    private async Task<List<(int Status, string? Code, bool RetryAfter)>> AnswersAsync(string username, int attempts)
    {
        var answers = new List<(int, string?, bool)>();
        for (var i = 0; i < attempts; i++)
        {
            using var response = await _api.LoginRawAsync(username, Wrong);
            var code = (await BatonApi.JsonOf(response)).GetProperty("code").GetString();
            answers.Add(((int)response.StatusCode, code, response.Headers.RetryAfter is not null));
        }

        return answers;
    }

    private Task<HttpResponseMessage> ChangeAsync(string accessToken, string currentPassword, string newPassword = "an entirely new passphrase") =>
        _api.PostJsonAsync("/v1/me/password", new { current_password = currentPassword, new_password = newPassword }, accessToken);

    private async Task<JsonElement> UserAsync(string userId)
    {
        using var response = await _api.GetAsync($"/v1/admin/users/{userId}", headers: AdminKey);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await BatonApi.JsonOf(response);
    }
}

public sealed class ForgetfulLockoutFactory : BatonFactory
{
    public ForgetfulLockoutFactory()
    {
        Settings["Baton:Accounts:MaxFailedLogins"] = "3";
        Settings["Baton:Accounts:TrackedUnknownUsernames"] = "2";
    }
}

public sealed class UnknownUsernameBoundTests(ForgetfulLockoutFactory factory) : IClassFixture<ForgetfulLockoutFactory>
{
    private readonly BatonApi _api = BatonApi.For(factory);

    [Fact]
    public async Task Login_ManyUnknownUsernames_ForgetsTheLeastRecentlyGuessed()
    {
        string Unknown() => "nobody-" + Guid.NewGuid().ToString("N")[..12];
        var (first, second, third) = (Unknown(), Unknown(), Unknown());
        foreach (var username in new[] { first, first, second, second, third })
        {
            using var wrong = await _api.LoginRawAsync(username, "definitely the wrong one");
            await BatonApi.AssertProblemAsync(wrong, HttpStatusCode.Unauthorized, "invalid_credentials");
        }

        // Only two fit: the third pushed out the first, whose count starts again (pushing out the
        // second); the third's count goes on to the lockout.
        using var forgotten = await _api.LoginRawAsync(first, "definitely the wrong one");
        await BatonApi.AssertProblemAsync(forgotten, HttpStatusCode.Unauthorized, "invalid_credentials");
        using var kept = await _api.LoginRawAsync(third, "definitely the wrong one");
        await BatonApi.AssertProblemAsync(kept, HttpStatusCode.Unauthorized, "invalid_credentials");
        using var locked = await _api.LoginRawAsync(third, "definitely the wrong one");
        await BatonApi.AssertProblemAsync(locked, HttpStatusCode.Forbidden, "account_locked");
    }
}

/// <summary>Each request comes from the address in its <see cref="AddressHeader"/> (the test server gives none).</summary>
public sealed class PasswordRateLimitFactory : BatonFactory
{
    public const string AddressHeader = "X-Test-Client-Address";
    public const int PerMinute = 3;

    public PasswordRateLimitFactory() => Settings["Baton:RateLimits:PasswordChecksPerMinute"] = PerMinute.ToString(System.Globalization.CultureInfo.InvariantCulture);

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureServices(services => services.AddTransient<IStartupFilter, ClientAddressFromHeader>());
    }

    private sealed class ClientAddressFromHeader : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use((context, nextMiddleware) =>
            {
                if (IPAddress.TryParse(context.Request.Headers[AddressHeader], out var address))
                {
                    context.Connection.RemoteIpAddress = address;
                }

                return nextMiddleware(context);
            });
            next(app);
        };
    }
}

/// <summary>SECURITY.md 47: every password check is budgeted per user and per address, whatever the endpoint.</summary>
public sealed class PasswordRateLimitTests(PasswordRateLimitFactory factory) : IClassFixture<PasswordRateLimitFactory>
{
    private const string Wrong = "definitely the wrong one";

    private readonly BatonApi _api = BatonApi.For(factory);

    [Fact]
    public async Task ChangePassword_RepeatedGuesses_AreRateLimited()
    {
        var from = From("10.0.1.1");
        var (_, token) = await NewUserAsync(from);

        // The login took one permit; the next two guesses are checked, then the budget is spent.
        var statuses = new List<HttpStatusCode>();
        HttpResponseMessage? last = null;
        for (var i = 0; i < PasswordRateLimitFactory.PerMinute + 1; i++)
        {
            last?.Dispose();
            last = await _api.PostJsonAsync("/v1/me/password", new { current_password = Wrong, new_password = "an entirely new passphrase" }, token, from);
            statuses.Add(last.StatusCode);
        }

        using var response = last!;
        Assert.Equal([HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.TooManyRequests, HttpStatusCode.TooManyRequests], statuses);
        await BatonApi.AssertProblemAsync(response, HttpStatusCode.TooManyRequests, "rate_limited");
        Assert.True(response.Headers.RetryAfter?.Delta > TimeSpan.Zero);
    }

    [Fact]
    public async Task PasswordChecks_OneUserFromManyAddresses_AreRateLimitedPerUser()
    {
        var (username, token) = await NewUserAsync(From("10.0.2.1"));
        using (var login = await _api.LoginRawAsync(username, Wrong, headers: From("10.0.2.2")))
        {
            await BatonApi.AssertProblemAsync(login, HttpStatusCode.Unauthorized, "invalid_credentials");
        }

        using (var change = await _api.PostJsonAsync("/v1/me/password", new { current_password = Wrong, new_password = "an entirely new passphrase" }, token, From("10.0.2.3")))
        {
            await BatonApi.AssertProblemAsync(change, HttpStatusCode.Unauthorized, "invalid_credentials");
        }

        // Login and password change spend one budget of the user's, from whichever address.
        using var limited = await _api.LoginRawAsync(username, headers: From("10.0.2.4"));
        await BatonApi.AssertProblemAsync(limited, HttpStatusCode.TooManyRequests, "rate_limited");
        Assert.True(limited.Headers.RetryAfter?.Delta > TimeSpan.Zero);
    }

    [Fact]
    public async Task PasswordChecks_ManyUsernamesFromOneAddress_AreRateLimitedPerAddress()
    {
        var from = From("10.0.3.1");
        for (var i = 0; i < PasswordRateLimitFactory.PerMinute; i++)
        {
            using var wrong = await _api.LoginRawAsync("nobody-" + Guid.NewGuid().ToString("N")[..12], Wrong, headers: from);
            await BatonApi.AssertProblemAsync(wrong, HttpStatusCode.Unauthorized, "invalid_credentials");
        }

        using var limited = await _api.LoginRawAsync("nobody-" + Guid.NewGuid().ToString("N")[..12], Wrong, headers: from);
        await BatonApi.AssertProblemAsync(limited, HttpStatusCode.TooManyRequests, "rate_limited");
        Assert.True(limited.Headers.RetryAfter?.Delta > TimeSpan.Zero);
    }

    private static Dictionary<string, string> From(string address) => new() { [PasswordRateLimitFactory.AddressHeader] = address };

    private async Task<(string Username, string AccessToken)> NewUserAsync(Dictionary<string, string> from)
    {
        var username = "user-" + Guid.NewGuid().ToString("N")[..12];
        await _api.RegisterAsync(username);
        using var login = await _api.LoginRawAsync(username, headers: from);
        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        return (username, (await BatonApi.JsonOf(login)).GetProperty("access_token").GetString()!);
    }
}
