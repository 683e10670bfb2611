using System.Text.Json;
using Baton.Core.Tokens;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Baton.Core.Tests.Tokens;

/// <summary>Baton's hand-written token path against the reference implementation, Microsoft.IdentityModel.</summary>
public sealed class IdentityModelInteropTests : IDisposable
{
    private readonly TokenFixture _f = new();

    [Theory]
    [InlineData(SigningAlgorithm.ES256)]
    [InlineData(SigningAlgorithm.RS256)]
    public async Task JsonWebTokenHandler_ValidatesBatonAccessToken_WithThePublishedJwk(SigningAlgorithm algorithm)
    {
        using var f = new TokenFixture(algorithm);
        var token = f.Tokens.IssueAccessToken(new AccessTokenRequest("user-1", "session-1", ["admin"]), DateTimeOffset.UtcNow).Token;

        var result = await new JsonWebTokenHandler().ValidateTokenAsync(token, Parameters(f, DateTimeOffset.UtcNow));

        Assert.True(result.IsValid, result.Exception?.Message);
        var jwt = (JsonWebToken)result.SecurityToken;
        Assert.Equal("at+jwt", jwt.Typ);
        Assert.Equal("user-1", jwt.Subject);
        Assert.Equal("session-1", jwt.GetClaim("sid").Value);
        Assert.Equal("baton", jwt.GetClaim("client_id").Value);
    }

    [Fact]
    public async Task JsonWebTokenHandler_RejectsBatonRefreshToken()
    {
        var token = _f.Tokens.IssueRefreshToken(new RefreshTokenRequest("user-1", "session-1", "j", DateTimeOffset.UtcNow.AddDays(1)), DateTimeOffset.UtcNow);

        var result = await new JsonWebTokenHandler().ValidateTokenAsync(token, Parameters(_f, DateTimeOffset.UtcNow));

        Assert.False(result.IsValid);
    }

    [Fact]
    public void Baton_AcceptsTokenMintedByJsonWebTokenHandler_WithTheSameKeyAndHeader()
    {
        // IdentityModel writes the header members in the same order, so a token it mints with
        // Baton's key and claims passes Baton's header pinning: the format is standard, not private.
        var now = TokenFixture.Now;
        var material = _f.AccessKey.ToMaterial();
        using var ecdsa = System.Security.Cryptography.ECDsa.Create();
        ecdsa.ImportPkcs8PrivateKey(material.PrivateKey, out _);
        var descriptor = new SecurityTokenDescriptor
        {
            Issuer = _f.Options.Issuer,
            Audience = _f.Options.AccessAudience,
            IssuedAt = now.UtcDateTime,
            NotBefore = null,
            Expires = now.AddMinutes(5).UtcDateTime,
            TokenType = "at+jwt",
            Claims = new Dictionary<string, object> { ["sub"] = "user-1", ["sid"] = "session-1", ["jti"] = "jti-1" },
            SigningCredentials = new SigningCredentials(new ECDsaSecurityKey(ecdsa) { KeyId = material.Kid }, SecurityAlgorithms.EcdsaSha256),
        };
        var handler = new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false };

        var token = handler.CreateToken(descriptor);
        var result = _f.Tokens.ValidateAccessToken(token, now);

        Assert.True(result.Succeeded, $"{result.Error}: header {TokenFixture.Header(token)}");
        Assert.Equal("user-1", result.Claims.UserId);
    }

    [Fact]
    public void PublicJwk_Serializes_AsRfc7517()
    {
        var json = JsonSerializer.SerializeToElement(_f.AccessKey.ToPublicJwk());

        Assert.Equal("EC", json.GetProperty("kty").GetString());
        Assert.Equal("P-256", json.GetProperty("crv").GetString());
        Assert.Equal("ES256", json.GetProperty("alg").GetString());
        Assert.Equal("sig", json.GetProperty("use").GetString());
        Assert.Equal(_f.AccessKey.Kid, json.GetProperty("kid").GetString());
        Assert.Equal(43, json.GetProperty("x").GetString()!.Length);
        Assert.Equal(43, json.GetProperty("y").GetString()!.Length);
        Assert.False(json.TryGetProperty("d", out _));
        Assert.False(json.TryGetProperty("n", out _));
    }

    public void Dispose() => _f.Dispose();

    private static TokenValidationParameters Parameters(TokenFixture f, DateTimeOffset now) => new()
    {
        ValidIssuer = f.Options.Issuer,
        ValidAudience = f.Options.AccessAudience,
        ValidTypes = ["at+jwt"],
        IssuerSigningKeys = f.Tokens.Ring.PublishedKeys(now).Select(k => new JsonWebKey(JsonSerializer.Serialize(k))),
    };
}
