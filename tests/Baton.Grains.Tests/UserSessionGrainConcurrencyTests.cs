using System.Collections.Concurrent;
using Baton.Core;
using Baton.Core.Ledgers;

namespace Baton.Grains.Tests;

/// <summary>SECURITY.md 19-21 and DESIGN.md I1, I2 on the grain, with callers on every silo.</summary>
[Collection(GrainClusterTests.Name)]
public sealed class UserSessionGrainConcurrencyTests(GrainClusterFixture fixture) : GrainTestBase(fixture)
{
    [Fact]
    public async Task Refresh_FiftyParallelWithOneToken_OneNewGenerationDurableBeforeAnyAnswer()
    {
        var userId = NewUserId("refresh50");
        var started = (await Grain(userId).StartSessionAsync(Login("d1"))).Session!;
        Store.WriteLatency = TimeSpan.FromMilliseconds(20);
        var durableAtAnswer = new ConcurrentBag<bool>();

        var results = await Task.WhenAll(Enumerable.Range(0, 50).Select(async i =>
        {
            var result = await Grain(userId, i).RefreshAsync(Refresh(started.Id, started.CurrentJti));
            // What the caller is handed must already be what storage holds (I6: never a token storage does not know).
            durableAtAnswer.Add(result.Session is { } s && Stored(userId)!.Ledger!.Find(s.Id)?.CurrentJti == s.CurrentJti);
            return result;
        }));

        Assert.All(results, r => Assert.True(r.Succeeded));
        var jti = Assert.Single(results.Select(r => r.Session!.CurrentJti).Distinct());
        Assert.All(results, r => Assert.Equal(2, r.Session!.Generation));
        Assert.Single(results, r => r.Status == RefreshStatus.Rotated);
        Assert.All(durableAtAnswer, Assert.True);
        var stored = Stored(userId)!.Ledger!.Find(started.Id)!;
        Assert.Equal((2, jti), (stored.Generation, stored.CurrentJti));
    }

    [Fact]
    public async Task Refresh_FiftyParallelWithOneTokenAndNoGrace_OneRotationOthersRefusedCleanly()
    {
        using var policy = GrainClusterFixture.UsePolicy(p => p.RefreshReuseGrace = TimeSpan.Zero);
        var userId = NewUserId("refresh50nograce");
        var started = (await Grain(userId).StartSessionAsync(Login("d1"))).Session!;
        Store.WriteLatency = TimeSpan.FromMilliseconds(5);

        // Task.WhenAll rethrows: any exception fails the test.
        var results = await Task.WhenAll(Enumerable.Range(0, 50).Select(i => Grain(userId, i).RefreshAsync(Refresh(started.Id, started.CurrentJti))));

        var winner = Assert.Single(results, r => r.Succeeded);
        Assert.Equal((RefreshStatus.Rotated, 2), (winner.Status, winner.Session!.Generation));
        Assert.All(results.Where(r => !r.Succeeded), r => Assert.Contains(r.Error, new ErrorCode?[] { ErrorCode.RefreshTokenReused, ErrorCode.SessionEnded }));
        // The predecessor came back with no grace: presumed theft, the session is over (I4).
        var check = await Grain(userId, 3).CheckSessionAsync(started.Id);
        Assert.Equal((ErrorCode.SessionEnded, EndReason.ReuseDetected), (check.Error, check.Reason));
        Assert.All(Written(userId), w => Assert.True(w.Ledger!.Find(started.Id)!.Generation <= 2));
    }

    [Fact]
    public async Task StartSession_TwentyConcurrentAtLimitOfThree_NoPersistedStateAboveThreeAndAllAnsweredDurably()
    {
        using var policy = GrainClusterFixture.UsePolicy(p => p.MaxSessionsPerUser = 3);
        var userId = NewUserId("limit");
        await Grain(userId).StartSessionAsync(Login("first"));
        await Grain(userId).StartSessionAsync(Login("second"));
        Store.WriteLatency = TimeSpan.FromMilliseconds(5);
        var durableAtAnswer = new ConcurrentBag<bool>();

        var results = await Task.WhenAll(Enumerable.Range(0, 20).Select(async i =>
        {
            var result = await Grain(userId, i).StartSessionAsync(Login($"device-{i}"));
            durableAtAnswer.Add(result.Session is { } s && Stored(userId)!.Ledger!.Find(s.Id) is not null);
            return result;
        }));

        Assert.All(results, r => Assert.True(r.Succeeded));
        Assert.All(durableAtAnswer, Assert.True);
        var written = Written(userId);
        Assert.Equal(22, written.Length);
        Assert.All(written, w => Assert.True(w.Ledger!.ActiveSessions.Count() <= 3, $"{w.Ledger.ActiveSessions.Count()} active sessions persisted"));
        Assert.Equal(3, (await Grain(userId, 2).GetSummaryAsync()).ActiveSessions);
    }

    [Fact]
    public async Task EndAllSessions_KickRacingRefreshes_NothingRefreshedStaysUsable()
    {
        var userId = NewUserId("kick");
        var started = (await Grain(userId).StartSessionAsync(Login("d1"))).Session!;
        Store.WriteLatency = TimeSpan.FromMilliseconds(2);
        var minted = new ConcurrentBag<string>([started.CurrentJti]);
        var kicked = new TaskCompletionSource();

        async Task RefreshUntilRefusedAsync(int caller)
        {
            var jti = started.CurrentJti;
            while (true)
            {
                var result = await Grain(userId, caller).RefreshAsync(Refresh(started.Id, jti));
                if (!result.Succeeded)
                {
                    return;
                }

                jti = result.Session.CurrentJti;
                minted.Add(jti);
                if (minted.Count >= 5)
                {
                    kicked.TrySetResult();
                }
            }
        }

        // Two refreshers chase one token from different silos: they converge through the grace,
        // or one's stale token ends the session; either way the kick must leave nothing alive.
        var refreshers = new[] { RefreshUntilRefusedAsync(1), RefreshUntilRefusedAsync(2) };
        await Task.WhenAny(kicked.Task, Task.WhenAll(refreshers));
        var kick = await Grain(userId, 3).EndAllSessionsAsync(EndReason.Kicked, null, ClientDetails.None);
        await Task.WhenAll(refreshers);

        var check = await Grain(userId).CheckSessionAsync(started.Id);
        Assert.Equal(ErrorCode.SessionEnded, check.Error);
        foreach (var jti in minted.Distinct())
        {
            Assert.False((await Grain(userId, 1).RefreshAsync(Refresh(started.Id, jti))).Succeeded);
        }

        Assert.False(Stored(userId)!.Ledger!.Find(started.Id)!.State == SessionState.Active);
        Assert.True(kick.Ended.Length <= 1);
    }
}
