using Baton.Core.Tokens;

namespace Baton.Core.Tests.Tokens;

/// <summary>The verified-token cache's bound and what it keeps: the tokens in use, not the oldest.</summary>
public sealed class VerifiedTokenGenerationsTests : IDisposable
{
    private static readonly AccessTokenClaims Claims = new("user-1", "session-1", "jti-1", TokenFixture.Now, TokenFixture.Now.AddMinutes(15), []);

    private readonly TokenFixture _f = new();

    [Fact]
    public void Add_BeyondCapacity_HoldsAtMostCapacityAndDropsTheLeastRecent()
    {
        var cache = new VerifiedTokenCache(capacity: 4);
        foreach (var token in new[] { "a", "b", "c", "d", "e", "f" })
        {
            cache.Add(token, Claims);
            Assert.InRange(cache.Count, 1, 4);
        }

        Assert.False(cache.TryGet("a", out _));
        Assert.False(cache.TryGet("b", out _));
        Assert.True(cache.TryGet("e", out _));
        Assert.True(cache.TryGet("f", out _));
    }

    [Fact]
    public void TryGet_OfATokenStillPresented_KeepsItPastTheNextTurn()
    {
        var cache = new VerifiedTokenCache(capacity: 4);
        cache.Add("a", Claims);
        cache.Add("b", Claims); // the newer generation is full: it becomes the older

        Assert.True(cache.TryGet("a", out var claims)); // used again: moved into the newer
        cache.Add("c", Claims); // the newer is full again: {a, c} become the older, b goes

        Assert.Same(Claims, claims);
        Assert.True(cache.TryGet("a", out _));
        Assert.False(cache.TryGet("b", out _));
    }

    [Fact]
    public void CapacityZero_HoldsNothing()
    {
        var cache = new VerifiedTokenCache(capacity: 0);
        cache.Add("a", Claims);

        Assert.False(cache.TryGet("a", out _));
        Assert.Equal(0, cache.Count);
    }

    [Fact]
    public void IssueAccessToken_RemembersTheClaimsAValidationWouldRead()
    {
        var issued = _f.Tokens.IssueAccessToken(new AccessTokenRequest("user-7", "session-7", ["admin", "member"]) { Username = "ann" }, TokenFixture.Now).Token;
        var verifier = new TokenService(_f.Tokens.Ring);

        var remembered = _f.Tokens.ValidateAccessToken(issued, TokenFixture.Now.AddMinutes(1)).Claims!;
        var verified = verifier.ValidateAccessToken(issued, TokenFixture.Now.AddMinutes(1)).Claims!;

        Assert.Equal(
            (verified.UserId, verified.SessionId, verified.Jti, verified.IssuedAt, verified.ExpiresAt, verified.Username),
            (remembered.UserId, remembered.SessionId, remembered.Jti, remembered.IssuedAt, remembered.ExpiresAt, remembered.Username));
        Assert.Equal(verified.Roles.AsEnumerable(), remembered.Roles.AsEnumerable());
        Assert.Equal(["admin", "member"], remembered.Roles.AsEnumerable());
    }

    [Fact]
    public void IssueAccessToken_WithAClaimValidationRefuses_IsNotRemembered()
    {
        var tooLong = new string('u', 300); // over the claim length limit: a verifier refuses it
        var issued = _f.Tokens.IssueAccessToken(new AccessTokenRequest("user-1", "session-1", []) { Username = tooLong }, TokenFixture.Now).Token;

        var result = _f.Tokens.ValidateAccessToken(issued, TokenFixture.Now);

        Assert.Equal(ErrorCode.InvalidToken, result.Error);
    }

    [Fact]
    public void IssueAccessToken_RememberedToken_StillExpires()
    {
        var issued = _f.Tokens.IssueAccessToken(new AccessTokenRequest("user-1", "session-1", []), TokenFixture.Now);

        var result = _f.Tokens.ValidateAccessToken(issued.Token, issued.ExpiresAt + _f.Options.ClockSkew);

        Assert.Equal(ErrorCode.TokenExpired, result.Error);
    }

    public void Dispose() => _f.Dispose();
}
