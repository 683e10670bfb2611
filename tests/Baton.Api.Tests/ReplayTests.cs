using System.Net;

namespace Baton.Api.Tests;

/// <summary>SECURITY.md 15-18: rotation, the grace window, reuse detection and lifetimes, driven by the test clock.</summary>
public sealed class ReplayTests(BatonFactory factory) : IClassFixture<BatonFactory>
{
    private readonly BatonApi _api = BatonApi.For(factory);

    [Fact]
    public async Task Refresh_PredecessorInsideGrace_ReturnsSameCurrentJti_WithoutRotating()
    {
        var (_, _, pair) = await _api.NewUserAsync();
        var rotated = await _api.RefreshAsync(pair.RefreshToken!);

        var replay = await _api.RefreshAsync(pair.RefreshToken!);

        Assert.Equal(BatonApi.Claim(rotated.RefreshToken!, "jti"), BatonApi.Claim(replay.RefreshToken!, "jti"));
        // The current token still works: the replay did not rotate again.
        var next = await _api.RefreshAsync(rotated.RefreshToken!);
        Assert.NotEqual(BatonApi.Claim(rotated.RefreshToken!, "jti"), BatonApi.Claim(next.RefreshToken!, "jti"));
    }

    [Fact]
    public async Task Refresh_PredecessorAfterGrace_EndsSession_EveryTokenRefused()
    {
        var (_, _, pair) = await _api.NewUserAsync();
        var rotated = await _api.RefreshAsync(pair.RefreshToken!);
        factory.Clock.Advance(TimeSpan.FromSeconds(11));

        using var reuse = await _api.RefreshRawAsync(pair.RefreshToken);

        await BatonApi.AssertProblemAsync(reuse, HttpStatusCode.Unauthorized, "refresh_token_reused", "reuse_detected");
        using var current = await _api.RefreshRawAsync(rotated.RefreshToken);
        await BatonApi.AssertProblemAsync(current, HttpStatusCode.Unauthorized, "session_ended", "reuse_detected");
        using var me = await _api.GetAsync("/v1/me", rotated.AccessToken);
        await BatonApi.AssertProblemAsync(me, HttpStatusCode.Unauthorized, "session_ended", "reuse_detected");
    }

    [Fact]
    public async Task Refresh_TwoGenerationsOld_EndsSessionEvenInsideGrace()
    {
        var (_, _, first) = await _api.NewUserAsync();
        var second = await _api.RefreshAsync(first.RefreshToken!);
        factory.Clock.Advance(TimeSpan.FromSeconds(11));
        var third = await _api.RefreshAsync(second.RefreshToken!);

        using var reuse = await _api.RefreshRawAsync(first.RefreshToken);

        await BatonApi.AssertProblemAsync(reuse, HttpStatusCode.Unauthorized, "refresh_token_reused");
        using var current = await _api.RefreshRawAsync(third.RefreshToken);
        await BatonApi.AssertProblemAsync(current, HttpStatusCode.Unauthorized, "session_ended", "reuse_detected");
    }

    [Fact]
    public async Task Refresh_ParallelWithOneToken_AllGetTheSameNewGeneration()
    {
        var (_, _, pair) = await _api.NewUserAsync();

        var responses = await Task.WhenAll(Enumerable.Range(0, 50).Select(_ => _api.RefreshRawAsync(pair.RefreshToken)));

        var jtis = new HashSet<string>(StringComparer.Ordinal);
        foreach (var response in responses)
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            jtis.Add(BatonApi.Claim(Pair.Of(await BatonApi.JsonOf(response)).RefreshToken!, "jti"));
            response.Dispose();
        }

        Assert.Single(jtis);
        Assert.DoesNotContain(BatonApi.Claim(pair.RefreshToken!, "jti"), jtis);
    }

    [Fact]
    public async Task AccessToken_AfterLifetime_IsExpired_RefreshStillWorks()
    {
        var (_, _, pair) = await _api.NewUserAsync();
        factory.Clock.Advance(TimeSpan.FromMinutes(16));

        using var me = await _api.GetAsync("/v1/me", pair.AccessToken);

        await BatonApi.AssertProblemAsync(me, HttpStatusCode.Unauthorized, "token_expired");
        var fresh = await _api.RefreshAsync(pair.RefreshToken!);
        using var again = await _api.GetAsync("/v1/me", fresh.AccessToken);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
    }

    [Fact]
    public async Task Refresh_AfterIdleLifetime_IsRefused()
    {
        var (_, _, pair) = await _api.NewUserAsync();
        factory.Clock.Advance(TimeSpan.FromDays(7) + TimeSpan.FromMinutes(1));

        using var refresh = await _api.RefreshRawAsync(pair.RefreshToken);

        await BatonApi.AssertProblemAsync(refresh, HttpStatusCode.Unauthorized, "token_expired");
    }

    [Fact]
    public async Task Refresh_PastAbsoluteLifetime_IsRefusedEvenWhenRefreshedOften()
    {
        var (_, _, pair) = await _api.NewUserAsync();
        var token = pair.RefreshToken!;
        for (var refresh = 0; refresh < 5; refresh++)
        {
            factory.Clock.Advance(TimeSpan.FromDays(5)); // days 5..25: inside both the idle and the absolute lifetime
            token = (await _api.RefreshAsync(token)).RefreshToken!;
        }

        factory.Clock.Advance(TimeSpan.FromDays(5) + TimeSpan.FromMinutes(1)); // day 30 and a minute

        using var expired = await _api.RefreshRawAsync(token);

        // The last token's exp is capped at the absolute lifetime, so it is refused before any store read.
        await BatonApi.AssertProblemAsync(expired, HttpStatusCode.Unauthorized, "token_expired");
    }
}
