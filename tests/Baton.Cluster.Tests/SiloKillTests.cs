using Xunit.Abstractions;

namespace Baton.Cluster.Tests;

/// <summary>A silo SIGKILLed under a refresh storm (DESIGN.md §8, I6, I7), on a cluster of its own.</summary>
public sealed class SiloKillTests(ITestOutputHelper output)
{
    [RedisFact]
    public async Task Refresh_SiloOfHotUserKilledMidStorm_Only200Or503ThenTheLastAcknowledgedGenerationIsCurrent()
    {
        await using var cluster = await LocalCluster.StartAsync(new LocalClusterOptions { Name = "silo-kill", Sessions = SharedCluster.SingleDevice });
        using var redisClient = await cluster.Redis.ConnectAsync();
        var redis = redisClient.GetDatabase();
        var users = Enumerable.Range(0, 12).Select(i => $"storm-{i}-{Guid.NewGuid():N}").ToArray();
        var seeded = await Task.WhenAll(users.Select((u, i) => FrontApi.SeedAsync(cluster.Fronts[i % 2], u)));
        var storm = new RefreshStorm(cluster.Fronts, users.Zip(seeded));
        using var stop = new CancellationTokenSource();
        var running = storm.RunAsync(stop.Token);

        // The hot user is the first; its grain lives where its latest change was committed.
        await Eventually.UntilAsync(() => storm.Chains[0].Generations.Count >= 20);
        var hot = storm.Chains[0].User;
        var victim = cluster.SiloOnPort(await AuditTrail.LastSiloPortAsync(redis, hot));
        await victim.KillAsync();
        var killedAt = storm.Now;
        output.WriteLine($"killed {victim.Name} (pid gone) at {killedAt.TotalSeconds:0.00} s, hosting {hot}'s grain");

        await Eventually.UntilAsync(
            () => users.All(u => storm.FirstSuccessAfter(u, killedAt + TimeSpan.FromMilliseconds(1)) is not null) || storm.Chains.Any(c => c.Refusal is not null),
            TimeSpan.FromSeconds(30));
        var recovered = storm.Now;
        await Eventually.UntilAsync(() => storm.Now > recovered + TimeSpan.FromSeconds(1));
        await stop.CancelAsync();
        await running;

        var hotRecovery = storm.FirstSuccessAfter(hot, killedAt) - killedAt;
        var allRecovery = users.Max(u => storm.FirstSuccessAfter(u, killedAt)) - killedAt;
        output.WriteLine($"answers asked before the kill: {storm.Describe(until: killedAt)}");
        output.WriteLine($"answers asked after the kill: {storm.Describe(killedAt)}");
        output.WriteLine($"refreshes of the hot user succeeded again {hotRecovery?.TotalMilliseconds:0} ms after the kill; every user's {allRecovery?.TotalMilliseconds:0} ms after");
        output.WriteLine($"the hot user's answers around the kill:{Environment.NewLine}{storm.Timeline(hot, killedAt - TimeSpan.FromMilliseconds(100), killedAt + (hotRecovery ?? TimeSpan.Zero) + TimeSpan.FromMilliseconds(100))}");

        var unexpected = storm.Classes().Keys.Where(c => c is not ("200" or "503+Retry-After") && !c.StartsWith("401", StringComparison.Ordinal)).ToArray();
        Assert.True(unexpected.Length == 0, $"Clients saw {string.Join(", ", unexpected)}: {string.Join(" | ", storm.Observations.Where(o => unexpected.Contains(o.Reply.Class)).Take(5).Select(o => $"{o.Front}: {o.Reply}"))}{Environment.NewLine}{cluster.OutputTails()}");
        await ChainAssert.NothingLostAsync(redis, storm, cluster);
    }
}
