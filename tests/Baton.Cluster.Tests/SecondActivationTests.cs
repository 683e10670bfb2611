using System.Net;
using Xunit.Abstractions;

namespace Baton.Cluster.Tests;

/// <summary>
/// Two activations of one user's grain at once (I8): a second cluster (another cluster id, the same
/// service id) on the same Redis activates the grain beside the first, as a partition or a
/// membership change could. Whichever wrote last, the other's write carries a stale ETag.
/// </summary>
public sealed class SecondActivationTests(ITestOutputHelper output)
{
    [RedisFact]
    public async Task Refresh_OnAStaleActivation_ItsWriteFailsAndNothingItMintedIsHandedOut()
    {
        await using var a = await LocalCluster.StartAsync(new LocalClusterOptions { Name = "first", ClusterId = "first", Silos = 1, Fronts = 1, Sessions = SharedCluster.SingleDevice });
        await using var b = await LocalCluster.StartAsync(new LocalClusterOptions { Name = "second", ClusterId = "second", Silos = 1, Fronts = 1, Sessions = SharedCluster.SingleDevice, Redis = a.Redis });
        using var redisClient = await a.Redis.ConnectAsync();
        var redis = redisClient.GetDatabase();
        var (frontA, frontB) = (a.Fronts[0], b.Fronts[0]);
        var user = $"two-activations-{Guid.NewGuid():N}";
        string Tails() => $"{a.OutputTails()}{Environment.NewLine}{b.OutputTails()}";

        // Generation 1 on A; B activates the grain too (from Redis) and rotates to 2: A's copy is stale.
        var first = await FrontApi.SeedAsync(frontA, user);
        var second = await FrontApi.RefreshAsync(frontB, first.RefreshToken);
        Assert.True(second.IsOk, $"B's first refresh: {second}{Environment.NewLine}{Tails()}");

        // A still holds generation 1 as current and rotates it; its write must fail on the ETag. The
        // caller then gets generation 2 (a replay inside the grace, from a fresh activation) or a 503,
        // never a generation A minted.
        var staleOnA = await SiloMetrics.StaleWritesAsync(a.Silos[0]);
        var onA = await FrontApi.RefreshAsync(frontA, first.RefreshToken);
        output.WriteLine($"stale A refreshing generation 1: {onA.Class}");
        AssertCurrentOrUnavailable(onA, second.Tokens!, "A (stale) refreshing generation 1", Tails);
        await SiloMetrics.UntilStaleWritesExceedAsync(a.Silos[0], staleOnA, "A's silo reported no stale write: the test did not exercise two activations.");

        // Now A rotates generation 2 to 3, and B's copy is the stale one; B's next refresh of 2 must not mint.
        var third = await FrontApi.RefreshAsync(frontA, second.Tokens!.RefreshToken);
        Assert.True(third.IsOk && third.Tokens!.RefreshJti != second.Tokens.RefreshJti, $"A rotating generation 2: {third}{Environment.NewLine}{Tails()}");
        var staleOnB = await SiloMetrics.StaleWritesAsync(b.Silos[0]);
        var onB = await FrontApi.RefreshAsync(frontB, second.Tokens.RefreshToken);
        output.WriteLine($"stale B refreshing generation 2: {onB.Class}");
        AssertCurrentOrUnavailable(onB, third.Tokens!, "B (stale) refreshing generation 2", Tails);
        await SiloMetrics.UntilStaleWritesExceedAsync(b.Silos[0], staleOnB, "B's silo reported no stale write.");

        // The store holds generation 3, the one A handed out; A's front accepts it as current and
        // it rotates on either cluster; the audit trail shows no generation rotated twice.
        var stored = (await StoredLedger.ReadExistingAsync(redis, user)).Session(first.SessionId);
        Assert.Equal(3, stored.Generation);
        Assert.Equal(third.Tokens.RefreshJti, stored.CurrentJti);
        var rotations = (await AuditTrail.ReadAsync(redis, user)).Where(e => e.Kind == "TokenRotated").DistinctBy(e => e.EventId).ToArray();
        Assert.Equal([2, 3], rotations.Select(e => e.Generation ?? 0).Order());
        var fourth = await FrontApi.RefreshAsync(frontA, third.Tokens.RefreshToken);
        Assert.True(fourth.IsOk, $"A refusing the current generation: {fourth}{Environment.NewLine}{Tails()}");
        var fifth = await FrontApi.RefreshAsync(frontB, fourth.Tokens!.RefreshToken);
        Assert.True(fifth.IsOk, $"B refusing the current generation: {fifth}{Environment.NewLine}{Tails()}");
        Assert.Equal(HttpStatusCode.OK, (await FrontApi.MeAsync(frontA, fifth.Tokens!.AccessToken)).Status);
    }

    private static void AssertCurrentOrUnavailable(Reply reply, Tokens current, string what, Func<string> tails)
    {
        Assert.True(
            (reply.IsOk && reply.Tokens!.RefreshJti == current.RefreshJti) || reply.Class == "503+Retry-After",
            $"{what} answered {reply}{(reply.IsOk ? $" with refresh jti {reply.Tokens!.RefreshJti}, not the stored {current.RefreshJti}" : "")}{Environment.NewLine}{tails()}");
    }
}
