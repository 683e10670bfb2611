using System.Net;
using System.Text.Json;
using static Baton.Api.Tests.ApiKeyHeaders;

namespace Baton.Api.Tests;

/// <summary>Discovery, JWKS, RFC 7662 introspection and RFC 7009 revocation.</summary>
public sealed class StandardsTests(BatonFactory factory) : IClassFixture<BatonFactory>
{
    private readonly BatonApi _api = BatonApi.For(factory);

    [Fact]
    public async Task Discovery_NamesIssuerJwksAndEndpoints()
    {
        using var response = await _api.GetAsync("/.well-known/openid-configuration");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var json = await BatonApi.JsonOf(response);
        Assert.Equal("http://localhost:5000", json.GetProperty("issuer").GetString());
        Assert.Equal("http://localhost:5000/.well-known/jwks.json", json.GetProperty("jwks_uri").GetString());
        Assert.Equal("http://localhost:5000/oauth2/introspect", json.GetProperty("introspection_endpoint").GetString());
        Assert.Equal("http://localhost:5000/oauth2/revoke", json.GetProperty("revocation_endpoint").GetString());
        Assert.Equal("ES256", json.GetProperty("id_token_signing_alg_values_supported")[0].GetString());
    }

    [Fact]
    public async Task Jwks_PublishesTheAccessKey_NeverTheRefreshSecret()
    {
        var (_, _, pair) = await _api.NewUserAsync();

        using var response = await _api.GetAsync("/.well-known/jwks.json");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var keys = (await BatonApi.JsonOf(response)).GetProperty("keys").EnumerateArray().ToArray();
        var key = Assert.Single(keys);
        Assert.Equal("EC", key.GetProperty("kty").GetString());
        Assert.Equal("P-256", key.GetProperty("crv").GetString());
        Assert.Equal("sig", key.GetProperty("use").GetString());
        Assert.False(key.TryGetProperty("d", out _));
        Assert.Equal(BatonApi.Kid(pair.AccessToken), key.GetProperty("kid").GetString());
        Assert.DoesNotContain(keys, k => k.GetProperty("kid").GetString() == BatonApi.Kid(pair.RefreshToken!));
    }

    [Fact]
    public async Task Introspect_ActiveAccessToken_DescribesIt_AfterLogout_Inactive()
    {
        var (userId, _, pair) = await _api.NewUserAsync();

        var active = await _api.IntrospectAsync(pair.AccessToken);
        Assert.True(active.GetProperty("active").GetBoolean());
        Assert.Equal(userId, active.GetProperty("sub").GetString());
        Assert.Equal(pair.SessionId, active.GetProperty("sid").GetString());
        Assert.Equal("access_token", active.GetProperty("token_type").GetString());

        using var logout = await _api.PostJsonAsync("/v1/auth/logout", null, pair.AccessToken);
        var inactive = await _api.IntrospectAsync(pair.AccessToken);
        Assert.False(inactive.GetProperty("active").GetBoolean());
        Assert.False(inactive.TryGetProperty("sub", out _));
    }

    [Fact]
    public async Task Introspect_RefreshToken_ActiveOnlyForCurrentGeneration()
    {
        var (_, _, pair) = await _api.NewUserAsync();
        var rotated = await _api.RefreshAsync(pair.RefreshToken!);

        Assert.True((await _api.IntrospectAsync(rotated.RefreshToken!)).GetProperty("active").GetBoolean());
        Assert.False((await _api.IntrospectAsync(pair.RefreshToken!)).GetProperty("active").GetBoolean());
        Assert.False((await _api.IntrospectAsync("garbage")).GetProperty("active").GetBoolean());
    }

    [Fact]
    public async Task Introspect_WithoutIntrospectScope_IsRefused()
    {
        var (_, _, pair) = await _api.NewUserAsync();

        using var noKey = await _api.SendAsync(BatonApi.Form("/oauth2/introspect", pair.AccessToken));
        using var wrongKey = await _api.SendAsync(BatonApi.Form("/oauth2/introspect", pair.AccessToken), headers: new Dictionary<string, string> { ["X-Api-Key"] = BatonFactory.AdminKey });

        Assert.Equal(HttpStatusCode.Unauthorized, noKey.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, wrongKey.StatusCode);
    }

    [Fact]
    public async Task Revoke_RefreshToken_EndsSession_WithReasonRevoked()
    {
        var (_, _, pair) = await _api.NewUserAsync();

        using var revoke = await _api.SendAsync(BatonApi.Form("/oauth2/revoke", pair.RefreshToken!));

        Assert.Equal(HttpStatusCode.OK, revoke.StatusCode);
        using var me = await _api.GetAsync("/v1/me", pair.AccessToken);
        await BatonApi.AssertProblemAsync(me, HttpStatusCode.Unauthorized, "session_ended", "revoked");
    }

    [Theory]
    [InlineData("garbage")]
    [InlineData("")]
    public async Task Revoke_InvalidToken_Is200(string token)
    {
        using var revoke = await _api.SendAsync(BatonApi.Form("/oauth2/revoke", token));

        Assert.Equal(HttpStatusCode.OK, revoke.StatusCode);
    }
}
