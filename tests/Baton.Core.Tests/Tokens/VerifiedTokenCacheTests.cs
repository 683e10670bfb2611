using Baton.Core.Tokens;

namespace Baton.Core.Tests.Tokens;

public sealed class VerifiedTokenCacheTests : IDisposable
{
    private readonly TokenFixture _f = new();

    [Fact]
    public void SameTokenTwice_SameClaims_AndExpiryStillApplies()
    {
        var token = _f.Access();
        var first = _f.Tokens.ValidateAccessToken(token, TokenFixture.Now);

        var second = _f.Tokens.ValidateAccessToken(token, TokenFixture.Now.AddMinutes(1));
        var expired = _f.Tokens.ValidateAccessToken(token, first.Claims!.ExpiresAt + _f.Options.ClockSkew);

        Assert.Same(first.Claims, second.Claims);
        Assert.Equal(ErrorCode.TokenExpired, expired.Error);
        Assert.Equal(ErrorCode.TokenExpired, _f.Tokens.ValidateAccessToken(token, first.Claims.ExpiresAt + _f.Options.ClockSkew).Error);
    }

    [Fact]
    public void AVerifiedToken_DoesNotVouchForAnyOtherString()
    {
        var token = _f.Access();
        Assert.True(_f.Tokens.ValidateAccessToken(token, TokenFixture.Now).Succeeded);

        Assert.Equal(ErrorCode.InvalidToken, _f.Tokens.ValidateAccessToken(token + "A", TokenFixture.Now).Error);
        Assert.Equal(ErrorCode.InvalidToken, _f.Tokens.ValidateAccessToken(" " + token, TokenFixture.Now).Error);
        Assert.Equal(ErrorCode.InvalidToken, _f.Tokens.ValidateRefreshToken(token, TokenFixture.Now).Error);
    }

    [Fact]
    public void CacheSizeZero_VerifiesEveryTime()
    {
        using var f = new TokenFixture(options: new TokenOptions { VerifiedTokenCacheSize = 0 });
        var token = f.Access();

        var first = f.Tokens.ValidateAccessToken(token, TokenFixture.Now);
        var second = f.Tokens.ValidateAccessToken(token, TokenFixture.Now);

        Assert.True(second.Succeeded);
        Assert.NotSame(first.Claims, second.Claims);
    }

    public void Dispose() => _f.Dispose();
}
