using System.Net;
using Xunit.Abstractions;

namespace Baton.Cluster.Tests;

/// <summary>Redis stopped under load and started again (DESIGN.md §8, I7), on a cluster and Redis of its own.</summary>
public sealed class RedisOutageTests(ITestOutputHelper output)
{
    // A rotation that reached Redis just as it stopped may have lost its answer; the client repeats
    // that refresh once Redis is back. A grace longer than the outage keeps that repeat a replay
    // (I3) rather than reuse; the default 10 s would be cut close on a busy machine.
    private static readonly Dictionary<string, string> Policy = new(SharedCluster.SingleDevice) { ["RefreshReuseGrace"] = "00:01:00" };

    [RedisFact]
    public async Task Refresh_RedisStoppedAndStarted_Only503MeanwhileThenEverySessionRefreshes()
    {
        await using var cluster = await LocalCluster.StartAsync(new LocalClusterOptions { Name = "redis-outage", Silos = 2, Sessions = Policy, RedisFsync = AppendFsync.EverySec });
        using var redisClient = await cluster.Redis.ConnectAsync();
        var users = Enumerable.Range(0, 8).Select(i => $"outage-{i}-{Guid.NewGuid():N}").ToArray();
        var idleUsers = Enumerable.Range(0, 8).Select(i => $"outage-idle-{i}-{Guid.NewGuid():N}").ToArray();
        var seeded = await Task.WhenAll(users.Select((u, i) => FrontApi.SeedAsync(cluster.Fronts[i % 2], u)));
        var idle = await Task.WhenAll(idleUsers.Select((u, i) => FrontApi.SeedAsync(cluster.Fronts[i % 2], u)));
        var storm = new RefreshStorm(cluster.Fronts, users.Zip(seeded));
        using var stop = new CancellationTokenSource();
        var running = storm.RunAsync(stop.Token);

        await Eventually.UntilAsync(() => storm.Chains.All(c => c.Generations.Count >= 10));
        await cluster.Redis.StopAsync();
        var stoppedAt = storm.Now;
        output.WriteLine($"Redis stopped (SIGTERM, process gone) at {stoppedAt.TotalSeconds:0.00} s");
        await Eventually.UntilAsync(
            async () => (await Task.WhenAll(cluster.Nodes.Select(n => n.ReadyStatusAsync()))).All(s => s == HttpStatusCode.ServiceUnavailable),
            TimeSpan.FromSeconds(20));
        output.WriteLine($"every node's /health/ready answered 503 by {storm.Now.TotalSeconds:0.00} s");
        await Eventually.UntilAsync(() => storm.Now > stoppedAt + TimeSpan.FromSeconds(3));

        var startingAt = storm.Now;
        await cluster.Redis.StartAsync();
        var restartedAt = storm.Now;
        await cluster.WaitUntilReadyAsync(TimeSpan.FromSeconds(30));
        output.WriteLine($"Redis started again at {restartedAt.TotalSeconds:0.00} s; every node ready {(storm.Now - restartedAt).TotalMilliseconds:0} ms later");
        await Eventually.UntilAsync(() => users.All(u => storm.FirstSuccessAfter(u, restartedAt) is not null), TimeSpan.FromSeconds(30));
        var lastRecovered = users.Max(u => storm.FirstSuccessAfter(u, restartedAt))!.Value;
        output.WriteLine($"every storm user refreshed again {(lastRecovered - restartedAt).TotalMilliseconds:0} ms after Redis started");
        await stop.CancelAsync();
        await running;

        output.WriteLine($"answers asked before the stop: {storm.Describe(until: stoppedAt)}");
        output.WriteLine($"answers asked while Redis was down: {storm.Describe(stoppedAt, restartedAt)}");
        output.WriteLine($"answers asked after it started: {storm.Describe(restartedAt)}");
        var unexpected = storm.Classes().Keys.Where(c => c is not ("200" or "503+Retry-After")).ToArray();
        Assert.True(unexpected.Length == 0, $"Clients saw {string.Join(", ", unexpected)}: {string.Join(" | ", storm.Observations.Where(o => unexpected.Contains(o.Reply.Class)).Take(5).Select(o => $"{o.Front}: {o.Reply}"))}{Environment.NewLine}{cluster.OutputTails()}");
        // A refresh asked while Redis was down may succeed once it is back (it waits for the connection),
        // and one asked before the stop may be answered just after it; none asked and answered while it
        // was down may succeed.
        var servedWhileDown = storm.Observations.Where(o => o.Reply.IsOk && o.AskedAt >= stoppedAt && o.AnsweredAt < startingAt).ToArray();
        Assert.True(servedWhileDown.Length == 0, $"{servedWhileDown.Length} refreshes were answered 200 while Redis was down: a rotation no store holds.{Environment.NewLine}{string.Join(Environment.NewLine,
            servedWhileDown.Select(o => o.User).Distinct().Select(u => $"{u}:{Environment.NewLine}{storm.Timeline(u, stoppedAt - TimeSpan.FromSeconds(1), restartedAt)}"))}");
        Assert.True(storm.Classes(stoppedAt, restartedAt).GetValueOrDefault("503+Retry-After") > 0, "No refresh was asked while Redis was down; the test proved nothing.");

        await ChainAssert.NothingLostAsync(redisClient.GetDatabase(), storm, cluster);
        for (var i = 0; i < idle.Length; i++)
        {
            var first = await FrontApi.RefreshAsync(cluster.Fronts[i % 2], idle[i].RefreshToken);
            Assert.True(first.IsOk, $"{idleUsers[i]}'s unused refresh token was refused after the outage: {first}");
            var second = await FrontApi.RefreshAsync(cluster.Fronts[(i + 1) % 2], first.Tokens!.RefreshToken);
            Assert.True(second.IsOk, $"{idleUsers[i]}'s next refresh on the other front was refused: {second}");
        }
    }
}
