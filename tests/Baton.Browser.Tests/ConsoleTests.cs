using System.Diagnostics;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Baton.Browser.Tests;

/// <summary>The console in chromium against a real Baton.Api process: what users and admins see when sessions end.</summary>
[Collection(ConsoleTestGroup.Name)]
public sealed class ConsoleTests(ConsoleFixture fixture)
{
    [ChromiumFact]
    public async Task Console_SameUserSignsInFromASecondBrowser_FirstShowsSignedInOnAnotherDevice()
    {
        var (username, _) = await fixture.RegisterAsync("solo");
        await using var laptop = await fixture.NewContextAsync();
        await using var phone = await fixture.NewContextAsync();
        var first = await fixture.SignInAsync(laptop, username);
        await Expect(first.Locator("#my-sessions tbody tr.current")).ToHaveCountAsync(1);
        await ConsoleFixture.ScreenshotAsync(first, "account");

        await fixture.SignInAsync(phone, username);

        await Expect(first.Locator("#ended")).ToContainTextAsync("signed in on another device");
        await Expect(first.Locator("#ended-reason")).ToHaveTextAsync("replaced");
        await Expect(first.GetByLabel("Username")).ToBeVisibleAsync();
        await ConsoleFixture.ScreenshotAsync(first, "account-replaced");
    }

    [ChromiumFact]
    public async Task Console_ThreeTabsWhoseAccessTokensExpiredTogether_RotateOnce_AndEveryRequestSucceeds()
    {
        var (username, _) = await fixture.RegisterAsync("tabs");
        await using var context = await fixture.NewContextAsync();
        var pages = new List<IPage> { await fixture.SignInAsync(context, username) };
        for (var i = 0; i < 2; i++)
        {
            // A new tab takes the first tab's token instead of refreshing.
            var page = await context.NewPageAsync();
            await page.GotoAsync(fixture.Console);
            await Expect(page.Locator("#who-name")).ToHaveTextAsync(username);
            pages.Add(page);
        }

        var rotated = await fixture.CounterAsync("baton_session_events_total", "kind=\"rotated\"");
        var reused = await fixture.CounterAsync("baton_session_events_total", "kind=\"reuse_detected\"");
        var refreshes = await fixture.CounterAsync("baton_refreshes_total", "outcome=");

        // Freeze the tabs (as a sleeping laptop does) past the access tokens' lifetime, so every
        // timer and request of all three comes due at once when they wake.
        var sessions = new List<ICDPSession>();
        foreach (var page in pages)
        {
            var cdp = await context.NewCDPSessionAsync(page);
            await cdp.SendAsync("Page.setWebLifecycleState", new Dictionary<string, object> { ["state"] = "frozen" });
            sessions.Add(cdp);
        }

        var answers = new List<(string Url, int Status)>();
        context.Response += (_, response) =>
        {
            if (response.Url.Contains("/v1/", StringComparison.Ordinal))
            {
                lock (answers)
                {
                    answers.Add((response.Url, response.Status));
                }
            }
        };
        // Waiting on the real clock is the point here: Baton's own clock must pass the tokens' expiry.
        await Task.Delay(ConsoleFixture.AccessTokenLifetime + TimeSpan.FromSeconds(1));

        await Task.WhenAll(sessions.Select(cdp => cdp.SendAsync("Page.setWebLifecycleState", new Dictionary<string, object> { ["state"] = "active" })));
        await Task.WhenAll(pages.Select(page => page.GetByRole(AriaRole.Button, new PageGetByRoleOptions { Name = "Reload" }).ClickAsync()));

        await Eventually.UntilAsync(async () => await fixture.CounterAsync("baton_session_events_total", "kind=\"rotated\"") > rotated);
        foreach (var page in pages)
        {
            await Expect(page.Locator("#my-sessions tbody tr.current")).ToHaveCountAsync(1);
            await Expect(page.Locator("#ended")).ToBeHiddenAsync();
            await Expect(page.Locator("#status.error")).ToHaveCountAsync(0);
        }

        Assert.Equal(1, await fixture.CounterAsync("baton_session_events_total", "kind=\"rotated\"") - rotated);
        Assert.Equal(0, await fixture.CounterAsync("baton_session_events_total", "kind=\"reuse_detected\"") - reused);
        Assert.Equal(1, await fixture.CounterAsync("baton_refreshes_total", "outcome=") - refreshes);
        lock (answers)
        {
            Assert.Contains(answers, a => a.Url.EndsWith("/v1/me/sessions", StringComparison.Ordinal));
            Assert.All(answers, a => Assert.True(a.Status is >= 200 and < 300, $"{a.Url} answered {a.Status}"));
        }
    }

    [ChromiumFact]
    public async Task Console_AdminKicksTheUser_UsersConsoleShowsKickedWithinASecond()
    {
        var (username, id) = await fixture.RegisterAsync("kicked");
        await using var user = await fixture.NewContextAsync();
        await using var admin = await fixture.NewContextAsync();
        var userPage = await fixture.SignInAsync(user, username);
        var adminPage = await fixture.SignInAsync(admin, ConsoleFixture.AdminUsername, ConsoleFixture.AdminPassword, "#admin");
        await Expect(adminPage.Locator("#keys tbody tr")).Not.ToHaveCountAsync(0);
        await adminPage.GetByLabel("User id").FillAsync(id);
        await adminPage.GetByRole(AriaRole.Button, new PageGetByRoleOptions { Name = "Find" }).ClickAsync();
        await Expect(adminPage.Locator("#user-title")).ToHaveTextAsync(username);
        await Expect(adminPage.Locator("#user-sessions tbody tr")).ToHaveCountAsync(1);
        await ConsoleFixture.ScreenshotAsync(adminPage, "admin");

        await adminPage.GetByRole(AriaRole.Button, new PageGetByRoleOptions { Name = "Kick (end every session)" }).ClickAsync();
        await Expect(adminPage.Locator("#confirm")).ToBeVisibleAsync();
        await ConsoleFixture.ScreenshotAsync(adminPage, "admin-confirm");
        var kick = adminPage.WaitForResponseAsync(r => r.Url.EndsWith("/kick", StringComparison.Ordinal));
        await adminPage.GetByRole(AriaRole.Button, new PageGetByRoleOptions { Name = "Confirm" }).ClickAsync();
        Assert.Equal(200, (await kick).Status);
        var sinceKick = Stopwatch.StartNew();

        await Expect(userPage.Locator("#ended-reason")).ToHaveTextAsync("kicked", new LocatorAssertionsToHaveTextOptions { Timeout = 1000 });
        sinceKick.Stop();
        await Expect(userPage.Locator("#ended")).ToContainTextAsync("An administrator signed you out.");
        await Expect(adminPage.Locator("#status")).ToContainTextAsync("Kicked: 1 session(s) ended.");
        await Expect(adminPage.Locator("#user-sessions tbody tr.ended")).ToHaveCountAsync(1);
        await ConsoleFixture.ScreenshotAsync(userPage, "account-kicked");
        await ConsoleFixture.ScreenshotAsync(adminPage, "admin-kicked");
        Assert.True(sinceKick.Elapsed < TimeSpan.FromSeconds(1), $"shown after {sinceKick.Elapsed}");
    }

    [ChromiumFact]
    public async Task RefreshByCookie_FromAPageOnAnotherOrigin_Is403_AndRotatesNothing()
    {
        var (username, _) = await fixture.RegisterAsync("csrf");
        await using var context = await fixture.NewContextAsync();
        var console = await fixture.SignInAsync(context, username);
        // Same site (127.0.0.1), so the SameSite=Strict cookie goes along; another origin (port). A
        // real loopback server, as Chromium keeps pages from elsewhere off loopback addresses.
        await using var other = OtherOrigin.Start();
        var page = await context.NewPageAsync();
        await page.GotoAsync(other.Address.ToString());
        var rotated = await fixture.CounterAsync("baton_session_events_total", "kind=\"rotated\"");
        var refresh = fixture.Baton.Address + "v1/auth/refresh";

        // Without the anti-CSRF header: a simple request (no body, so no content type for a 415 to refuse) that goes out with the cookie.
        var answer = page.WaitForResponseAsync(refresh, new PageWaitForResponseOptions { Timeout = 5000 });
        await page.EvaluateAsync("url => fetch(url, { method: 'POST', mode: 'no-cors', credentials: 'include' }).catch(() => null)", refresh);
        var response = await answer;
        // With it: the browser asks first (CORS preflight), Baton grants nothing, the POST never leaves.
        var blocked = await page.EvaluateAsync<bool>("url => fetch(url, { method: 'POST', credentials: 'include', headers: { 'X-Baton-CSRF': '1', 'Content-Type': 'application/json' }, body: '{}' }).then(() => false, () => true)", refresh);

        Assert.Equal(403, response.Status);
        Assert.True(blocked);
        Assert.Equal(rotated, await fixture.CounterAsync("baton_session_events_total", "kind=\"rotated\""));
        await console.ReloadAsync();
        await Expect(console.Locator("#who-name")).ToHaveTextAsync(username);
    }
}
