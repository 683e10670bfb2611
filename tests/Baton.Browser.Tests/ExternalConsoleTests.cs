using System.Text.Json;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Baton.Browser.Tests;

/// <summary>
/// Sign-in through an external provider in chromium: the console's "Sign in with" link, the real
/// redirects to the fake provider and back, and the one-time code exchanged in cookie mode.
/// </summary>
[Collection(ConsoleTestGroup.Name)]
public sealed class ExternalConsoleTests(ConsoleFixture fixture)
{
    [ChromiumFact]
    public async Task Console_SignInWithProvider_FollowsTheRedirects_AndShowsTheNewAccount_WithTheRefreshTokenOnlyInTheCookie()
    {
        var login = $"ext-{Guid.NewGuid():N}"[..20];
        fixture.Provider.SignInAs = new FakeUser(Random.Shared.NextInt64(1, long.MaxValue).ToString(System.Globalization.CultureInfo.InvariantCulture), login, login + "@example.com");
        await using var context = await fixture.NewContextAsync();
        var page = await context.NewPageAsync();
        await page.GotoAsync(fixture.Console);
        var signIn = page.GetByRole(AriaRole.Link, new PageGetByRoleOptions { Name = "Sign in with Gitee" });
        await Expect(signIn).ToBeVisibleAsync();
        await page.GetByLabel("Device name").FillAsync("Work laptop");
        await ConsoleFixture.ScreenshotAsync(page, "sign-in-external");
        // Every document request of the tab, redirects included: Baton, the provider, Baton's callback, the console.
        var visited = new List<string>();
        page.Request += (_, request) =>
        {
            if (request.IsNavigationRequest)
            {
                lock (visited)
                {
                    visited.Add(request.Url);
                }
            }
        };
        var exchange = page.WaitForResponseAsync(r => r.Url.EndsWith("/v1/auth/external/exchange", StringComparison.Ordinal));
        var me = page.WaitForResponseAsync(r => r.Url.EndsWith("/v1/me", StringComparison.Ordinal));

        await signIn.ClickAsync();

        await Expect(page.Locator("#who-name")).ToHaveTextAsync(login);
        var exchanged = await exchange;
        Assert.Equal(200, exchanged.Status);
        using (var pair = JsonDocument.Parse(await exchanged.TextAsync()))
        {
            Assert.True(pair.RootElement.TryGetProperty("access_token", out _));
            Assert.False(pair.RootElement.TryGetProperty("refresh_token", out var refresh) && refresh.ValueKind != JsonValueKind.Null, "the refresh token reached the page");
        }

        var meAnswer = await me;
        Assert.Equal(200, meAnswer.Status);
        using (var body = JsonDocument.Parse(await meAnswer.TextAsync()))
        {
            Assert.Equal(login, body.RootElement.GetProperty("username").GetString());
        }

        // The browser went to the provider and back through Baton's callback; the code is gone from the address bar.
        string[] hops;
        lock (visited)
        {
            hops = [.. visited];
        }

        Assert.Collection(
            hops,
            url => Assert.StartsWith(fixture.Baton.Address + "v1/auth/external/gitee?return_to=", url, StringComparison.Ordinal),
            url => Assert.StartsWith(fixture.Provider.BaseUrl + "/authorize?", url, StringComparison.Ordinal),
            url => Assert.StartsWith(fixture.Baton.Address + "v1/auth/external/gitee/callback?code=", url, StringComparison.Ordinal),
            url => Assert.StartsWith(fixture.Console + "?code=", url, StringComparison.Ordinal));
        Assert.Equal(fixture.Console, page.Url);
        Assert.Equal("S256", fixture.Provider.LastAuthorize!["code_challenge_method"].ToString());
        await Expect(page.Locator("#my-sessions tbody tr.current")).ToContainTextAsync("Work laptop");
        // The account was made by this sign-in: no password to change.
        await Expect(page.Locator("#sign-in-ways")).ToHaveTextAsync($"This account has no password; it signs in with Gitee ({login}).");
        await Expect(page.Locator("#password-section")).ToBeHiddenAsync();
        var cookie = Assert.Single(await context.CookiesAsync(), c => c.Name == "__Host-baton-refresh");
        Assert.True(cookie.HttpOnly);
        Assert.DoesNotContain("baton-refresh", await page.EvaluateAsync<string>("() => document.cookie"), StringComparison.Ordinal);
        await ConsoleFixture.ScreenshotAsync(page, "account-external");

        // A reload restores the session from the cookie: a cookie-mode session, not one held by the page.
        await page.ReloadAsync();
        await Expect(page.Locator("#who-name")).ToHaveTextAsync(login);
        await Expect(page.Locator("#status.error")).ToHaveCountAsync(0);
    }

    [ChromiumFact]
    public async Task Console_CodeUsedTwice_SecondVisitShowsInvalidCode_AndSignsNobodyIn()
    {
        var login = $"twice-{Guid.NewGuid():N}"[..20];
        fixture.Provider.SignInAs = new FakeUser(Random.Shared.NextInt64(1, long.MaxValue).ToString(System.Globalization.CultureInfo.InvariantCulture), login, null);
        await using var first = await fixture.NewContextAsync();
        var page = await first.NewPageAsync();
        string? code = null;
        page.Request += (_, request) =>
        {
            if (request.Url.StartsWith(fixture.Console + "?code=", StringComparison.Ordinal))
            {
                code = Uri.UnescapeDataString(request.Url[(fixture.Console.Length + "?code=".Length)..]);
            }
        };
        await page.GotoAsync(fixture.Console);
        await page.GetByRole(AriaRole.Link, new PageGetByRoleOptions { Name = "Sign in with Gitee" }).ClickAsync();
        await Expect(page.Locator("#who-name")).ToHaveTextAsync(login);
        Assert.NotNull(code);

        await using var second = await fixture.NewContextAsync();
        var replay = await second.NewPageAsync();
        await replay.GotoAsync(fixture.Console + "?code=" + Uri.EscapeDataString(code));

        await Expect(replay.Locator("#status.error")).ToContainTextAsync("invalid_code");
        await Expect(replay.Locator("#sign-in")).ToBeVisibleAsync();
        await Expect(replay.Locator("#who")).ToBeHiddenAsync();
        Assert.Equal(fixture.Console, replay.Url);
    }

    [ChromiumFact]
    public async Task Console_AdminFindsAUserByUsername_ShowsTheirSessions()
    {
        var (username, id) = await fixture.RegisterAsync("byname");
        await using var user = await fixture.NewContextAsync();
        await using var admin = await fixture.NewContextAsync();
        await fixture.SignInAsync(user, username);
        var adminPage = await fixture.SignInAsync(admin, ConsoleFixture.AdminUsername, ConsoleFixture.AdminPassword, "#admin");

        await adminPage.GetByLabel("User id or name").FillAsync(username);
        await adminPage.GetByRole(AriaRole.Button, new PageGetByRoleOptions { Name = "Find" }).ClickAsync();

        await Expect(adminPage.Locator("#user-title")).ToHaveTextAsync(username);
        await Expect(adminPage.Locator("#user-id")).ToHaveTextAsync(id);
        await Expect(adminPage.Locator("#user-sessions tbody tr")).ToHaveCountAsync(1);
        await ConsoleFixture.ScreenshotAsync(adminPage, "admin-by-username");

        await adminPage.GetByLabel("User id or name").FillAsync("nobody-" + Guid.NewGuid().ToString("N")[..8]);
        await adminPage.GetByRole(AriaRole.Button, new PageGetByRoleOptions { Name = "Find" }).ClickAsync();
        await Expect(adminPage.Locator("#status.error")).ToContainTextAsync("not_found");
        await Expect(adminPage.Locator("#user")).ToBeHiddenAsync();
    }
}
