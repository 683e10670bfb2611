using System.Net;
using System.Text.Json;
using static Baton.Api.Tests.ApiKeyHeaders;

namespace Baton.Api.Tests;

/// <summary>Manual rotation through the admin API, and SECURITY.md 37: tokens of the old kid keep working.</summary>
public sealed class KeyRotationTests(BatonFactory factory) : IClassFixture<BatonFactory>
{
    private readonly BatonApi _api = BatonApi.For(factory);

    [Fact]
    public async Task Rotate_PublishesNextKeyBeforeItSigns_OldTokensKeepWorking_NewTokensUseNextKey()
    {
        var (_, _, before) = await _api.NewUserAsync();
        var oldKid = BatonApi.Kid(before.AccessToken);

        using var rotate = await _api.PostJsonAsync("/v1/admin/keys/rotate", null, headers: AdminKey);
        Assert.Equal(HttpStatusCode.OK, rotate.StatusCode);
        var keys = (await BatonApi.JsonOf(rotate)).EnumerateArray().ToArray();
        var next = Assert.Single(keys, k => k.GetProperty("purpose").GetString() == "access" && k.GetProperty("state").GetString() == "pending");
        var nextKid = next.GetProperty("kid").GetString()!;
        Assert.DoesNotContain(keys, k => k.ToString().Contains("private", StringComparison.OrdinalIgnoreCase));

        using (var jwks = await _api.GetAsync("/.well-known/jwks.json"))
        {
            var published = (await BatonApi.JsonOf(jwks)).GetProperty("keys").EnumerateArray().Select(k => k.GetProperty("kid").GetString()).ToArray();
            Assert.Contains(oldKid, published);
            Assert.Contains(nextKid, published);
        }

        var (_, _, stillOld) = await _api.NewUserAsync();
        Assert.Equal(oldKid, BatonApi.Kid(stillOld.AccessToken));

        factory.Clock.Advance(TimeSpan.FromHours(1) + TimeSpan.FromSeconds(1));
        var fresh = await _api.RefreshAsync(stillOld.RefreshToken!);

        Assert.Equal(nextKid, BatonApi.Kid(fresh.AccessToken));
        using var me = await _api.GetAsync("/v1/me", fresh.AccessToken);
        Assert.Equal(HttpStatusCode.OK, me.StatusCode);
    }

    [Fact]
    public async Task Keys_OrdinaryUser_Forbidden()
    {
        var (_, _, pair) = await _api.NewUserAsync();

        using var list = await _api.GetAsync("/v1/admin/keys", pair.AccessToken);
        using var rotate = await _api.PostJsonAsync("/v1/admin/keys/rotate", null, pair.AccessToken);

        await BatonApi.AssertProblemAsync(list, HttpStatusCode.Forbidden, "forbidden");
        await BatonApi.AssertProblemAsync(rotate, HttpStatusCode.Forbidden, "forbidden");
    }
}
