using System.Net;

namespace Baton.Api.Tests;

public sealed class SingleDevicePolicyTests(SingleDeviceFactory factory) : IClassFixture<SingleDeviceFactory>
{
    private readonly BatonApi _api = BatonApi.For(factory);

    [Fact]
    public async Task Login_OnSecondDevice_ReplacesFirst_BothTokensRefusedWithReplaced()
    {
        var (_, username, laptop) = await _api.NewUserAsync(new { id = "laptop", type = "desktop" });

        var phone = await _api.LoginAsync(username, device: new { id = "phone", type = "mobile" });

        using var laptopMe = await _api.GetAsync("/v1/me", laptop.AccessToken);
        var problem = await BatonApi.AssertProblemAsync(laptopMe, HttpStatusCode.Unauthorized, "session_ended", "replaced");
        Assert.Contains("another device", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        using var laptopRefresh = await _api.RefreshRawAsync(laptop.RefreshToken);
        await BatonApi.AssertProblemAsync(laptopRefresh, HttpStatusCode.Unauthorized, "session_ended", "replaced");
        using var phoneMe = await _api.GetAsync("/v1/me", phone.AccessToken);
        Assert.Equal(HttpStatusCode.OK, phoneMe.StatusCode);
    }

    [Fact]
    public async Task Login_FromSameDeviceId_ReplacesThatSession()
    {
        var (_, username, first) = await _api.NewUserAsync(new { id = "browser-1", type = "web" });

        var second = await _api.LoginAsync(username, device: new { id = "browser-1", type = "web" });

        Assert.NotEqual(first.SessionId, second.SessionId);
        using var firstRefresh = await _api.RefreshRawAsync(first.RefreshToken);
        await BatonApi.AssertProblemAsync(firstRefresh, HttpStatusCode.Unauthorized, "session_ended", "replaced");
    }
}

public sealed class DeviceTypePolicyTests(DeviceTypeFactory factory) : IClassFixture<DeviceTypeFactory>
{
    private readonly BatonApi _api = BatonApi.For(factory);

    [Fact]
    public async Task Login_SecondPhone_ReplacesFirstPhone_KeepsBrowser()
    {
        var (_, username, browser) = await _api.NewUserAsync(new { id = "browser", type = "web" });
        var phone1 = await _api.LoginAsync(username, device: new { id = "phone-1", type = "mobile" });

        var phone2 = await _api.LoginAsync(username, device: new { id = "phone-2", type = "mobile" });

        using var phone1Me = await _api.GetAsync("/v1/me", phone1.AccessToken);
        await BatonApi.AssertProblemAsync(phone1Me, HttpStatusCode.Unauthorized, "session_ended", "replaced");
        using var browserMe = await _api.GetAsync("/v1/me", browser.AccessToken);
        Assert.Equal(HttpStatusCode.OK, browserMe.StatusCode);
        using var phone2Me = await _api.GetAsync("/v1/me", phone2.AccessToken);
        Assert.Equal(HttpStatusCode.OK, phone2Me.StatusCode);
    }

    [Fact]
    public async Task Login_DeviceTypeIsCaseInsensitive()
    {
        var (_, username, first) = await _api.NewUserAsync(new { id = "p1", type = "Mobile" });

        await _api.LoginAsync(username, device: new { id = "p2", type = "MOBILE" });

        using var firstMe = await _api.GetAsync("/v1/me", first.AccessToken);
        await BatonApi.AssertProblemAsync(firstMe, HttpStatusCode.Unauthorized, "session_ended", "replaced");
    }

    [Fact]
    public async Task Logins_ConcurrentAcrossTypes_NeverExceedLimits()
    {
        var (_, username, _) = await _api.NewUserAsync(new { id = "seed", type = "desktop" });
        var types = new[] { "web", "mobile", "desktop", "tv" };

        var logins = Enumerable.Range(0, 20).Select(i => _api.LoginRawAsync(username, device: new { id = $"d{i}", type = types[i % types.Length] }));
        var responses = await Task.WhenAll(logins);

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        var last = Pair.Of(await BatonApi.JsonOf(responses[^1]));
        var me = await _api.LoginAsync(username, device: new { id = "checker", type = "desktop" });
        using var list = await _api.GetAsync("/v1/me/sessions", me.AccessToken);
        var sessions = (await BatonApi.JsonOf(list)).EnumerateArray().ToArray();
        Assert.True(sessions.Length <= 3, $"{sessions.Length} active sessions");
        Assert.True(sessions.Count(s => s.GetProperty("device").GetProperty("type").GetString() == "web") <= 1);
        Assert.True(sessions.Count(s => s.GetProperty("device").GetProperty("type").GetString() == "mobile") <= 1);
        Assert.NotNull(last);
        foreach (var response in responses)
        {
            response.Dispose();
        }
    }
}

public sealed class RejectNewPolicyTests(RejectNewFactory factory) : IClassFixture<RejectNewFactory>
{
    private readonly BatonApi _api = BatonApi.For(factory);

    [Fact]
    public async Task Login_AtLimit_IsRefused_ExistingSessionKeeps()
    {
        var (_, username, first) = await _api.NewUserAsync(new { id = "laptop", type = "desktop" });

        using var second = await _api.LoginRawAsync(username, device: new { id = "phone", type = "mobile" });

        await BatonApi.AssertProblemAsync(second, HttpStatusCode.Conflict, "session_limit_reached");
        using var firstMe = await _api.GetAsync("/v1/me", first.AccessToken);
        Assert.Equal(HttpStatusCode.OK, firstMe.StatusCode);
    }

    [Fact]
    public async Task Login_AtLimit_AfterLogout_Succeeds()
    {
        var (_, username, first) = await _api.NewUserAsync(new { id = "laptop", type = "desktop" });
        using var logout = await _api.PostJsonAsync("/v1/auth/logout", null, first.AccessToken);

        using var second = await _api.LoginRawAsync(username, device: new { id = "phone", type = "mobile" });

        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
    }
}
