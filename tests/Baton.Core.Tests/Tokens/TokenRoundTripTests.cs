using Baton.Core;
using Baton.Core.Tokens;

namespace Baton.Core.Tests.Tokens;

public sealed class TokenRoundTripTests
{
    public static TheoryData<SigningAlgorithm> AccessAlgorithms => [SigningAlgorithm.ES256, SigningAlgorithm.RS256, SigningAlgorithm.HS256];

    [Theory]
    [MemberData(nameof(AccessAlgorithms))]
    public void AccessToken_Issued_ValidatesWithItsClaims(SigningAlgorithm algorithm)
    {
        using var f = new TokenFixture(algorithm);

        var issued = f.Tokens.IssueAccessToken(new AccessTokenRequest("user-1", "session-1", ["admin", "member"]), TokenFixture.Now);
        var result = f.Tokens.ValidateAccessToken(issued.Token, TokenFixture.Now);

        Assert.True(result.Succeeded, $"{result.Error}");
        Assert.Equal("user-1", result.Claims.UserId);
        Assert.Equal("session-1", result.Claims.SessionId);
        Assert.Equal(issued.Jti, result.Claims.Jti);
        Assert.Equal<string>(["admin", "member"], result.Claims.Roles);
        Assert.Equal(TokenFixture.Now.AddTicks(-(TokenFixture.Now.Ticks % TimeSpan.TicksPerSecond)), result.Claims.IssuedAt);
        Assert.Equal(result.Claims.IssuedAt + f.Options.AccessTokenLifetime, result.Claims.ExpiresAt);
        Assert.Equal(issued.ExpiresAt, result.Claims.ExpiresAt);
        Assert.True(issued.Token.Length < 1024);
    }

    [Fact]
    public void AccessToken_Header_IsExactlyAlgKidTyp()
    {
        using var f = new TokenFixture();

        var header = TokenFixture.Header(f.Access());

        Assert.Equal($$"""{"alg":"ES256","kid":"{{f.AccessKey.Kid}}","typ":"at+jwt"}""", header);
    }

    [Fact]
    public void RefreshToken_Issued_ValidatesWithItsClaims_AndHasItsOwnTypeAndAudience()
    {
        using var f = new TokenFixture();
        var expires = TokenFixture.Now.AddDays(7);

        var token = f.Refresh(expires);
        var result = f.Tokens.ValidateRefreshToken(token, TokenFixture.Now);

        Assert.True(result.Succeeded, $"{result.Error}");
        Assert.Equal("user-1", result.Claims.UserId);
        Assert.Equal("session-1", result.Claims.SessionId);
        Assert.Equal("jti-1", result.Claims.Jti);
        Assert.Equal(expires.ToUnixTimeSeconds(), result.Claims.ExpiresAt.ToUnixTimeSeconds());
        Assert.Equal($$"""{"alg":"HS256","kid":"{{f.RefreshKey.Kid}}","typ":"rt+jwt"}""", TokenFixture.Header(token));
        Assert.Contains("\"aud\":\"baton:refresh\"", System.Text.Encoding.UTF8.GetString(System.Buffers.Text.Base64Url.DecodeFromChars(token.Split('.')[1])), StringComparison.Ordinal);
    }

    [Fact]
    public void AccessToken_WithoutRoles_HasEmptyRoles()
    {
        using var f = new TokenFixture();

        var token = f.Tokens.IssueAccessToken(new AccessTokenRequest("u", "s", []), TokenFixture.Now).Token;

        Assert.Empty(f.Tokens.ValidateAccessToken(token, TokenFixture.Now).Claims!.Roles);
    }

    [Fact]
    public void AccessToken_WithUsername_CarriesPreferredUsername()
    {
        using var f = new TokenFixture();

        var token = f.Tokens.IssueAccessToken(new AccessTokenRequest("u", "s", []) { Username = "Jos\u00e9" }, TokenFixture.Now).Token;
        var without = f.Tokens.IssueAccessToken(new AccessTokenRequest("u", "s", []), TokenFixture.Now).Token;

        Assert.Equal("Jos\u00e9", f.Tokens.ValidateAccessToken(token, TokenFixture.Now).Claims!.Username);
        Assert.Null(f.Tokens.ValidateAccessToken(without, TokenFixture.Now).Claims!.Username);
    }

    [Theory]
    [InlineData("\"preferred_username\":42")]
    [InlineData("\"preferred_username\":\"\"")]
    [InlineData("\"preferred_username\":[\"a\"]")]
    [InlineData("\"preferred_username\":\"a\",\"preferred_username\":\"b\"")]
    public void AccessToken_MalformedPreferredUsername_IsInvalid(string claim)
    {
        using var f = new TokenFixture();

        var token = TokenFixture.SignedWith(f.AccessKey, f.AccessPayload(add: claim));

        Assert.Equal(ErrorCode.InvalidToken, f.Tokens.ValidateAccessToken(token, TokenFixture.Now).Error);
    }

    [Fact]
    public void Issue_WithoutActiveKey_Throws()
    {
        using var f = new TokenFixture();
        var ring = new KeyRing([f.RefreshKey], f.Options);

        Assert.Throws<InvalidOperationException>(() => new TokenService(ring).IssueAccessToken(new AccessTokenRequest("u", "s", []), TokenFixture.Now));
    }
}
