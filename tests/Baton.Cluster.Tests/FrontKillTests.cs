using Xunit.Abstractions;

namespace Baton.Cluster.Tests;

/// <summary>A front SIGKILLed under a refresh storm (DESIGN.md §8: nothing is lost; clients retry on another), on a cluster of its own.</summary>
public sealed class FrontKillTests(ITestOutputHelper output)
{
    [RedisFact]
    public async Task Refresh_FrontKilledMidStorm_TheOtherFrontServesAndNothingIsLost()
    {
        await using var cluster = await LocalCluster.StartAsync(new LocalClusterOptions { Name = "front-kill", Silos = 2, Sessions = SharedCluster.SingleDevice });
        using var redisClient = await cluster.Redis.ConnectAsync();
        var users = Enumerable.Range(0, 10).Select(i => $"front-kill-{i}-{Guid.NewGuid():N}").ToArray();
        var seeded = await Task.WhenAll(users.Select((u, i) => FrontApi.SeedAsync(cluster.Fronts[i % 2], u)));
        var storm = new RefreshStorm(cluster.Fronts, users.Zip(seeded));
        using var stop = new CancellationTokenSource();
        var running = storm.RunAsync(stop.Token);

        await Eventually.UntilAsync(() => storm.Chains.All(c => c.Generations.Count >= 10));
        var (victim, survivor) = (cluster.Fronts[1], cluster.Fronts[0]);
        await victim.KillAsync();
        var killedAt = storm.Now;
        await Eventually.UntilAsync(() => storm.Now > killedAt + TimeSpan.FromSeconds(2));
        await stop.CancelAsync();
        await running;

        output.WriteLine($"killed {victim.Name} at {killedAt.TotalSeconds:0.00} s");
        output.WriteLine($"answers asked before the kill: {storm.Describe(until: killedAt)}");
        output.WriteLine($"answers asked after the kill: {storm.Describe(killedAt)}");
        var unexpected = storm.Classes().Keys.Where(c => c is not ("200" or "503+Retry-After" or "no answer")).ToArray();
        Assert.True(unexpected.Length == 0, $"Clients saw {string.Join(", ", unexpected)}{Environment.NewLine}{cluster.OutputTails()}");
        var servedAfter = storm.Observations.Where(o => o.AskedAt > killedAt && o.Reply.IsOk).ToArray();
        Assert.All(users, u => Assert.Contains(servedAfter, o => o.User == u && o.Front == survivor.Name));
        await ChainAssert.NothingLostAsync(redisClient.GetDatabase(), storm, cluster, [survivor]);
    }
}
