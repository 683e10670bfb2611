using System.Text;
using Baton.Core.Tokens;

namespace Baton.Core.Tests.Tokens;

/// <summary>
/// SECURITY.md 10-13 and claim strictness. These tokens carry valid signatures of the right key
/// (built with the key itself), so each refusal proves the check named in the test, not the signature.
/// </summary>
public sealed class ClaimTests : IDisposable
{
    private readonly TokenFixture _f = new();

    private static long Now => TokenFixture.NowSeconds;

    [Fact]
    public void HandBuiltValidPayload_IsAccepted()
    {
        // The baseline the other tests change one thing in.
        Assert.True(_f.Tokens.ValidateAccessToken(TokenFixture.SignedWith(_f.AccessKey, _f.AccessPayload()), TokenFixture.Now).Succeeded);
        Assert.True(_f.Tokens.ValidateRefreshToken(TokenFixture.SignedWith(_f.RefreshKey, _f.RefreshPayload()), TokenFixture.Now).Succeeded);
    }

    [Fact]
    public void RefreshToken_AsAccessToken_IsRefused()
    {
        Assert.Equal(ErrorCode.InvalidToken, _f.Tokens.ValidateAccessToken(_f.Refresh(), TokenFixture.Now).Error);
    }

    [Fact]
    public void AccessToken_AsRefreshToken_IsRefused()
    {
        Assert.Equal(ErrorCode.InvalidToken, _f.Tokens.ValidateRefreshToken(_f.Access(), TokenFixture.Now).Error);
    }

    [Fact]
    public void AccessClaims_SignedByTheRefreshKey_AreRefusedAsAccessToken()
    {
        Assert.Equal(ErrorCode.InvalidToken, _f.Tokens.ValidateAccessToken(TokenFixture.SignedWith(_f.RefreshKey, _f.AccessPayload()), TokenFixture.Now).Error);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("JWT")]
    [InlineData("rt+jwt")]
    [InlineData("application/at+jwt")]
    [InlineData("AT+JWT")]
    public void AccessToken_WithOtherTyp_IsRefused(string? typ)
    {
        var header = typ is null
            ? $$"""{"alg":"ES256","kid":"{{_f.AccessKey.Kid}}"}"""
            : $$"""{"alg":"ES256","kid":"{{_f.AccessKey.Kid}}","typ":"{{typ}}"}""";

        Assert.Equal(ErrorCode.InvalidToken, _f.Tokens.ValidateAccessToken(TokenFixture.WithHeader(_f.AccessKey, header, _f.AccessPayload()), TokenFixture.Now).Error);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("JWT")]
    [InlineData("at+jwt")]
    public void RefreshToken_WithOtherTyp_IsRefused(string? typ)
    {
        var header = typ is null
            ? $$"""{"alg":"HS256","kid":"{{_f.RefreshKey.Kid}}"}"""
            : $$"""{"alg":"HS256","kid":"{{_f.RefreshKey.Kid}}","typ":"{{typ}}"}""";

        Assert.Equal(ErrorCode.InvalidToken, _f.Tokens.ValidateRefreshToken(TokenFixture.WithHeader(_f.RefreshKey, header, _f.RefreshPayload()), TokenFixture.Now).Error);
    }

    [Theory]
    [InlineData("aud")]
    [InlineData("aud=\"someone-else\"")]
    [InlineData("aud=\"\"")]
    [InlineData("aud=42")]
    [InlineData("aud=[\"baton\"]")]
    [InlineData("aud=\"baton:refresh\"")]
    [InlineData("aud=null")]
    [InlineData("iss")]
    [InlineData("iss=\"http://localhost:5000/\"")]
    [InlineData("iss=\"HTTP://LOCALHOST:5000\"")]
    [InlineData("iss=\"https://evil.example\"")]
    [InlineData("iss=5")]
    public void AccessToken_WrongAudienceOrIssuer_IsRefused(string replace) => AssertAccessInvalid(_f.AccessPayload(replace));

    [Theory]
    [InlineData("aud=\"baton\"")]
    [InlineData("aud")]
    [InlineData("iss=\"http://localhost:5000/\"")]
    public void RefreshToken_WrongAudienceOrIssuer_IsRefused(string replace) =>
        Assert.Equal(ErrorCode.InvalidToken, _f.Tokens.ValidateRefreshToken(TokenFixture.SignedWith(_f.RefreshKey, _f.RefreshPayload(replace)), TokenFixture.Now).Error);

    [Fact]
    public void Exp_AtExactlyExpPlusSkew_IsExpired_OneSecondBefore_IsValid()
    {
        var token = TokenFixture.SignedWith(_f.AccessKey, _f.AccessPayload($"exp={Now}"));
        var skew = _f.Options.ClockSkew;

        Assert.True(_f.Tokens.ValidateAccessToken(token, TokenFixture.Now + skew - TimeSpan.FromSeconds(1)).Succeeded);
        Assert.Equal(ErrorCode.TokenExpired, _f.Tokens.ValidateAccessToken(token, TokenFixture.Now + skew).Error);
    }

    [Fact]
    public void IssuedAccessToken_AfterLifetimePlusSkew_IsExpired()
    {
        var token = _f.Access();

        Assert.Equal(ErrorCode.TokenExpired, _f.Tokens.ValidateAccessToken(token, TokenFixture.Now + _f.Options.AccessTokenLifetime + _f.Options.ClockSkew + TimeSpan.FromSeconds(1)).Error);
    }

    [Theory]
    [InlineData("exp")]
    [InlineData("exp=\"1900000000\"")]
    [InlineData("exp=1.5")]
    [InlineData("exp=-1")]
    [InlineData("exp=1e20")]
    [InlineData("exp=99999999999999999999")]
    [InlineData("exp=253402300800")]
    [InlineData("exp=null")]
    [InlineData("iat")]
    [InlineData("iat=\"now\"")]
    public void Exp_Or_Iat_MissingOrWrongType_IsRefused(string replace) => AssertAccessInvalid(_f.AccessPayload(replace));

    [Fact]
    public void Exp_BeyondTheAccessLifetime_IsRefused()
    {
        var tooLate = Now + (long)(_f.Options.AccessTokenLifetime + _f.Options.ClockSkew).TotalSeconds + 1;

        AssertAccessInvalid(_f.AccessPayload($"exp={tooLate}"));
    }

    [Fact]
    public void Nbf_InTheFutureBeyondSkew_IsRefused_WithinSkew_IsAccepted()
    {
        var skew = (long)_f.Options.ClockSkew.TotalSeconds;

        AssertAccessInvalid(_f.AccessPayload(add: $"\"nbf\":{Now + skew + 1}"));
        Assert.True(_f.Tokens.ValidateAccessToken(TokenFixture.SignedWith(_f.AccessKey, _f.AccessPayload(add: $"\"nbf\":{Now + skew}")), TokenFixture.Now).Succeeded);
        AssertAccessInvalid(_f.AccessPayload(add: "\"nbf\":\"soon\""));
    }

    [Fact]
    public void Iat_InTheFutureBeyondSkew_IsRefused()
    {
        var skew = (long)_f.Options.ClockSkew.TotalSeconds;

        AssertAccessInvalid(_f.AccessPayload($"iat={Now + skew + 1}"));
    }

    [Theory]
    [InlineData("sub")]
    [InlineData("sub=\"\"")]
    [InlineData("sub=7")]
    [InlineData("sub=null")]
    [InlineData("sid")]
    [InlineData("sid=[]")]
    [InlineData("jti")]
    [InlineData("jti={}")]
    public void Identifiers_MissingEmptyOrWrongType_AreRefused(string replace) => AssertAccessInvalid(_f.AccessPayload(replace));

    [Fact]
    public void Identifier_Over256Characters_IsRefused()
    {
        AssertAccessInvalid(_f.AccessPayload($"sub=\"{new string('u', 257)}\""));
    }

    [Fact]
    public void DuplicateClaim_IsRefused()
    {
        AssertAccessInvalid(_f.AccessPayload(add: "\"sub\":\"someone-else\""));
        AssertAccessInvalid(_f.AccessPayload(add: "\"exp\":1"));
    }

    [Fact]
    public void DeeplyNestedUnknownClaim_IsRefused()
    {
        var nested = new StringBuilder();
        for (var i = 0; i < 100; i++)
        {
            nested.Append("{\"a\":");
        }

        nested.Append('1').Append('}', 100);

        AssertAccessInvalid(_f.AccessPayload(add: "\"deep\":" + nested));
    }

    [Fact]
    public void ShallowUnknownClaim_IsIgnored()
    {
        Assert.True(_f.Tokens.ValidateAccessToken(TokenFixture.SignedWith(_f.AccessKey, _f.AccessPayload(add: "\"scope\":\"read write\"")), TokenFixture.Now).Succeeded);
    }

    [Fact]
    public void InvalidUtf8InAClaim_IsRefused()
    {
        var payload = Encoding.UTF8.GetBytes(_f.AccessPayload("sub=\"user-XX\""));
        var at = Array.IndexOf(payload, (byte)'X');
        payload[at] = 0xC3;
        payload[at + 1] = 0x28; // an invalid two-byte sequence

        Assert.Equal(ErrorCode.InvalidToken, _f.Tokens.ValidateAccessToken(TokenFixture.SignedWith(_f.AccessKey, payload), TokenFixture.Now).Error);
    }

    [Theory]
    [InlineData("trailing")]
    [InlineData("array")]
    [InlineData("string")]
    [InlineData("comment")]
    public void PayloadNotASingleJsonObject_IsRefused(string shape)
    {
        var payload = shape switch
        {
            "trailing" => _f.AccessPayload() + "{}",
            "array" => "[" + _f.AccessPayload() + "]",
            "string" => "\"x\"",
            _ => _f.AccessPayload().Insert(1, "/* hi */"),
        };

        AssertAccessInvalid(payload);
    }

    [Theory]
    [InlineData("\"admin\"")]
    [InlineData("[1]")]
    [InlineData("[[\"admin\"]]")]
    [InlineData("[\"\"]")]
    public void Roles_NotAnArrayOfStrings_AreRefused(string roles) => AssertAccessInvalid(_f.AccessPayload(add: $"\"roles\":{roles}"));

    [Fact]
    public void Roles_MoreThan64_AreRefused()
    {
        var roles = "[" + string.Join(',', Enumerable.Range(0, 65).Select(i => $"\"r{i}\"")) + "]";

        AssertAccessInvalid(_f.AccessPayload(add: $"\"roles\":{roles}"));
    }

    public void Dispose() => _f.Dispose();

    private void AssertAccessInvalid(string payload) =>
        Assert.Equal(ErrorCode.InvalidToken, _f.Tokens.ValidateAccessToken(TokenFixture.SignedWith(_f.AccessKey, payload), TokenFixture.Now).Error);
}
