using System.Diagnostics;
using Xunit.Abstractions;

namespace Baton.Cluster.Tests;

/// <summary>A rolling restart of one silo (SIGTERM, start again) while the others serve, on a cluster of its own.</summary>
public sealed class SiloRestartTests(ITestOutputHelper output)
{
    [RedisFact]
    public async Task Refresh_SiloRestartedWhileOthersServe_NoUserIsLoggedOut()
    {
        await using var cluster = await LocalCluster.StartAsync(new LocalClusterOptions { Name = "silo-restart", Sessions = SharedCluster.SingleDevice });
        using var redisClient = await cluster.Redis.ConnectAsync();
        var redis = redisClient.GetDatabase();
        var users = Enumerable.Range(0, 24).Select(i => $"restart-{i}-{Guid.NewGuid():N}").ToArray();
        var tokens = await Task.WhenAll(users.Select((u, i) => FrontApi.SeedAsync(cluster.Fronts[i % 2], u)));

        // The silo that hosts the most of these users' grains.
        var hosts = await Task.WhenAll(users.Select(u => AuditTrail.LastSiloPortAsync(redis, u)));
        var restarted = cluster.SiloOnPort(hosts.GroupBy(p => p).MaxBy(g => g.Count())!.Key);
        var hosted = hosts.Count(p => p == restarted.SiloPort);
        var stopped = await restarted.StopAsync();
        output.WriteLine($"{restarted.Name}, hosting {hosted} of {users.Length} grains, stopped {stopped.TotalMilliseconds:0} ms after SIGTERM");

        var whileDown = await RefreshAllAsync(cluster, users, tokens);
        output.WriteLine($"refreshes while it was down: {whileDown}");

        var starting = Stopwatch.StartNew();
        await restarted.StartAsync(TimeSpan.FromSeconds(30));
        output.WriteLine($"{restarted.Name} ready {starting.ElapsedMilliseconds} ms after its start");
        var afterRestart = await RefreshAllAsync(cluster, users, tokens);
        output.WriteLine($"refreshes after it was back: {afterRestart}");
    }

    /// <summary>Refreshes every user once on each front (repeating a 503 a few times, as a client would); fails on anything else.</summary>
    private static async Task<string> RefreshAllAsync(LocalCluster cluster, string[] users, Tokens[] tokens)
    {
        var classes = new System.Collections.Concurrent.ConcurrentBag<string>();
        await Parallel.ForAsync(0, users.Length, new ParallelOptions { MaxDegreeOfParallelism = 6 }, async (i, _) =>
        {
            foreach (var front in cluster.Fronts)
            {
                for (var attempt = 1; ; attempt++)
                {
                    var reply = await FrontApi.RefreshAsync(front, tokens[i].RefreshToken);
                    classes.Add(reply.Class);
                    if (reply.IsOk)
                    {
                        tokens[i] = reply.Tokens!;
                        break;
                    }

                    Assert.True(reply.Class == "503+Retry-After" && attempt < 5, $"{users[i]} on {front.Name} (attempt {attempt}): {reply}{Environment.NewLine}{cluster.OutputTails()}");
                    await Task.Delay(200, CancellationToken.None);
                }
            }
        });
        return string.Join(", ", classes.GroupBy(c => c).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => $"{g.Key} x{g.Count()}"));
    }
}
