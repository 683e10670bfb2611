using System.Buffers.Text;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Baton.Core.Tokens;
using Microsoft.Extensions.DependencyInjection;

namespace Baton.Api.Tests;

/// <summary>
/// SECURITY.md 1-13 against the running server: every forged or confused token is a 401
/// <c>invalid_token</c> at a protected endpoint and at the refresh endpoint, never a 500, never a 200.
/// Tokens with tampered claims are signed with the server's own key (read from its ring), so
/// only the check under test can refuse them.
/// </summary>
public sealed class HttpForgeryTests(BatonFactory factory) : IClassFixture<BatonFactory>
{
    private readonly BatonApi _api = BatonApi.For(factory);

    public static TheoryData<string> Forgeries => new()
    {
        "alg-none", "alg-None-original-signature", "hs256-with-public-key", "zero-signature", "truncated-signature",
        "jku-header", "jwk-header", "crit-header", "kid-traversal", "kid-10kb", "unknown-kid", "payload-changed",
        "foreign-key-same-kid", "extra-segment", "jwe-shape", "typ-jwt", "typ-refresh", "aud-foreign", "aud-refresh",
        "iss-trailing-slash", "iss-other-case", "exp-string", "exp-missing", "nbf-future", "duplicate-sub", "sub-empty",
    };

    [Theory]
    [MemberData(nameof(Forgeries))]
    public async Task ForgedAccessToken_IsRefusedAsInvalidToken(string forgery)
    {
        var (_, _, pair) = await _api.NewUserAsync();
        var token = Forge(forgery, pair.AccessToken);

        using var me = await _api.GetAsync("/v1/me", token);

        await BatonApi.AssertProblemAsync(me, HttpStatusCode.Unauthorized, "invalid_token");
    }

    [Theory]
    [MemberData(nameof(Forgeries))]
    public async Task ForgedToken_AtTheRefreshEndpoint_IsRefused_AndRotatesNothing(string forgery)
    {
        var (_, _, pair) = await _api.NewUserAsync();

        using var refresh = await _api.RefreshRawAsync(Forge(forgery, pair.AccessToken));

        await BatonApi.AssertProblemAsync(refresh, HttpStatusCode.Unauthorized, "invalid_token");
        Assert.Equal(pair.SessionId, (await _api.RefreshAsync(pair.RefreshToken!)).SessionId);
    }

    [Fact]
    public async Task Control_ResignedUnchangedClaims_AreAccepted()
    {
        // Proves the forgeries above are refused for what they change, not because re-signing is broken.
        var (_, _, pair) = await _api.NewUserAsync();
        var parts = pair.AccessToken.Split('.');
        var payload = Json(parts[1]);

        using var me = await _api.GetAsync("/v1/me", SignedClaims(Json(parts[0]), payload, "jti", payload.GetProperty("jti").GetRawText()));

        Assert.Equal(HttpStatusCode.OK, me.StatusCode);
    }

    [Fact]
    public async Task ExpiredAccessToken_AtTheSkewBoundary_IsTokenExpired()
    {
        var (_, _, pair) = await _api.NewUserAsync();
        var exp = long.Parse(BatonApi.Claim(pair.AccessToken, "exp"), System.Globalization.CultureInfo.InvariantCulture);

        factory.Clock.SetUtcNow(DateTimeOffset.FromUnixTimeSeconds(exp) + TimeSpan.FromSeconds(29));
        using var inside = await _api.GetAsync("/v1/me", pair.AccessToken);
        factory.Clock.SetUtcNow(DateTimeOffset.FromUnixTimeSeconds(exp) + TimeSpan.FromSeconds(30));
        using var outside = await _api.GetAsync("/v1/me", pair.AccessToken);

        Assert.Equal(HttpStatusCode.OK, inside.StatusCode);
        await BatonApi.AssertProblemAsync(outside, HttpStatusCode.Unauthorized, "token_expired");
    }

    private string Forge(string forgery, string token)
    {
        var parts = token.Split('.');
        var header = Json(parts[0]);
        var payload = Json(parts[1]);
        var kid = header.GetProperty("kid").GetString()!;
        return forgery switch
        {
            "alg-none" => B64($$"""{"alg":"none","kid":"{{kid}}","typ":"at+jwt"}""") + "." + parts[1] + ".",
            "alg-None-original-signature" => B64($$"""{"alg":"None","kid":"{{kid}}","typ":"at+jwt"}""") + "." + parts[1] + "." + parts[2],
            "hs256-with-public-key" => HmacWithPublicKey(kid, parts[1]),
            "zero-signature" => parts[0] + "." + parts[1] + "." + Base64Url.EncodeToString(new byte[64]),
            "truncated-signature" => token[..^10],
            "jku-header" => SignedRaw($$"""{"alg":"ES256","kid":"{{kid}}","typ":"at+jwt","jku":"https://evil.example/jwks"}""", payload.GetRawText()),
            "jwk-header" => SignedRaw($$$"""{"alg":"ES256","kid":"{{{kid}}}","typ":"at+jwt","jwk":{"kty":"EC"}}""", payload.GetRawText()),
            "crit-header" => SignedRaw($$"""{"alg":"ES256","kid":"{{kid}}","typ":"at+jwt","crit":["exp"]}""", payload.GetRawText()),
            "kid-traversal" => SignedRaw("""{"alg":"ES256","kid":"../../etc/passwd","typ":"at+jwt"}""", payload.GetRawText()),
            "kid-10kb" => SignedRaw($$"""{"alg":"ES256","kid":"{{new string('k', 10_240)}}","typ":"at+jwt"}""", payload.GetRawText()),
            "unknown-kid" => SignedRaw("""{"alg":"ES256","kid":"not-a-kid","typ":"at+jwt"}""", payload.GetRawText()),
            "payload-changed" => parts[0] + "." + B64(payload.GetRawText().Replace("\"sub\":\"", "\"sub\":\"x", StringComparison.Ordinal)) + "." + parts[2],
            "foreign-key-same-kid" => SignedRawWith(ECDsa.Create(ECCurve.NamedCurves.nistP256), Encoding.UTF8.GetString(Base64Url.DecodeFromChars(parts[0])), payload.GetRawText()),
            "extra-segment" => token + "." + parts[2],
            "jwe-shape" => B64("""{"alg":"RSA-OAEP","enc":"A256GCM"}""") + ".AAAA.AAAA.AAAA.AAAA",
            "typ-jwt" => SignedRaw($$"""{"alg":"ES256","kid":"{{kid}}","typ":"JWT"}""", payload.GetRawText()),
            "typ-refresh" => SignedRaw($$"""{"alg":"ES256","kid":"{{kid}}","typ":"rt+jwt"}""", payload.GetRawText()),
            "aud-foreign" => SignedClaims(header, payload, "aud", "\"someone-else\""),
            "aud-refresh" => SignedClaims(header, payload, "aud", "\"baton:refresh\""),
            "iss-trailing-slash" => SignedClaims(header, payload, "iss", "\"http://localhost:5000/\""),
            "iss-other-case" => SignedClaims(header, payload, "iss", "\"HTTP://LOCALHOST:5000\""),
            "exp-string" => SignedClaims(header, payload, "exp", "\"9999999999\""),
            "exp-missing" => SignedClaims(header, payload, "exp", null),
            "nbf-future" => SignedClaims(header, payload, "nbf", (DateTimeOffset.UtcNow.AddYears(1).ToUnixTimeSeconds() + factory.Clock.GetUtcNow().ToUnixTimeSeconds() - DateTimeOffset.UtcNow.ToUnixTimeSeconds()).ToString(System.Globalization.CultureInfo.InvariantCulture)),
            "duplicate-sub" => SignedRaw(Encoding.UTF8.GetString(Base64Url.DecodeFromChars(parts[0])), payload.GetRawText().TrimEnd('}') + ",\"sub\":\"someone-else\"}"),
            "sub-empty" => SignedClaims(header, payload, "sub", "\"\""),
            _ => throw new ArgumentOutOfRangeException(nameof(forgery)),
        };
    }

    /// <summary>Signs a header and payload with the server's own access key: only the content is wrong.</summary>
    private string SignedRaw(string headerJson, string payloadJson)
    {
        using var ecdsa = ServerKey();
        return SignedRawWith(ecdsa, headerJson, payloadJson);
    }

    private string SignedClaims(JsonElement header, JsonElement payload, string claim, string? value)
    {
        var claims = payload.EnumerateObject().Where(p => p.Name != claim).Select(p => $"\"{p.Name}\":{p.Value.GetRawText()}").ToList();
        if (value is not null)
        {
            claims.Add($"\"{claim}\":{value}");
        }

        return SignedRaw(header.GetRawText(), "{" + string.Join(',', claims) + "}");
    }

    private static string SignedRawWith(ECDsa ecdsa, string headerJson, string payloadJson)
    {
        using (ecdsa)
        {
            var input = B64(headerJson) + "." + B64(payloadJson);
            return input + "." + Base64Url.EncodeToString(ecdsa.SignData(Encoding.ASCII.GetBytes(input), HashAlgorithmName.SHA256));
        }
    }

    private string HmacWithPublicKey(string kid, string payloadSegment)
    {
        using var ecdsa = ServerKey();
        var input = B64($$"""{"alg":"HS256","kid":"{{kid}}","typ":"at+jwt"}""") + "." + payloadSegment;
        return input + "." + Base64Url.EncodeToString(HMACSHA256.HashData(ecdsa.ExportSubjectPublicKeyInfo(), Encoding.ASCII.GetBytes(input)));
    }

    private ECDsa ServerKey()
    {
        var keys = factory.Services.GetRequiredService<SigningKeys>();
        var signer = keys.Tokens.Ring.SignerFor(KeyPurpose.Access, factory.Clock.GetUtcNow())!;
        var ecdsa = ECDsa.Create();
        ecdsa.ImportPkcs8PrivateKey(signer.ToMaterial().PrivateKey, out _);
        return ecdsa;
    }

    private static JsonElement Json(string segment) => JsonDocument.Parse(Base64Url.DecodeFromChars(segment)).RootElement.Clone();

    private static string B64(string text) => Base64Url.EncodeToString(Encoding.UTF8.GetBytes(text));
}
