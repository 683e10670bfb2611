using System.Collections.Concurrent;
using Baton.Core;
using Baton.Core.Ledgers;

namespace Baton.Grains.Tests;

/// <summary>SECURITY.md 19-21 and DESIGN.md I1, I2 on the grain, with callers on every silo (the storage-independent ones are in <see cref="SessionConcurrencyTests"/>).</summary>
[Collection(GrainClusterTests.Name)]
public sealed class UserSessionGrainConcurrencyTests(GrainClusterFixture fixture) : GrainTestBase(fixture)
{
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
