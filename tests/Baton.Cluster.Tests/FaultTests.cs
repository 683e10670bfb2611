using System.Net;
using Baton.Testing;
using Baton.Testing.Postgres;
using Xunit.Abstractions;
using static Baton.Cluster.Tests.ClusterClient;

namespace Baton.Cluster.Tests;

/// <summary>
/// SECURITY.md 32-36 with real processes: a node killed mid-storm, and PostgreSQL stopped under
/// load. Each test has its own PostgreSQL server and nodes, since it breaks them on purpose.
/// </summary>
public sealed class FaultTests(ITestOutputHelper output)
{
    [PostgresFact]
    public async Task NodeKilledDuringRefreshStorm_NoCommittedRotationLost_NoTwoLiveSuccessors()
    {
        var connection = await (await PostgresServer.SharedAsync()).CreateDatabaseAsync();
        await using var victim = new BatonNode("victim", connection);
        await using var survivor = new BatonNode("survivor", connection);
        await Task.WhenAll(victim.StartAsync(), survivor.StartAsync());
        using var toVictim = victim.CreateClient();
        using var toSurvivor = survivor.CreateClient();

        // Each user is one client refreshing in a loop against the victim; when a request fails
        // because the node died, the client retries the same token on the survivor, as a load
        // balancer would.
        var users = new List<(string UserId, Pair Pair)>();
        for (var i = 0; i < 20; i++)
        {
            var username = NewUsername();
            var userId = await RegisterAsync(toSurvivor, username);
            users.Add((userId, await LoginOkAsync(toSurvivor, username)));
        }

        using var stop = new CancellationTokenSource();
        long total = 0;
        var storms = users.Select(u => Task.Run(async () =>
        {
            var token = u.Pair.RefreshToken;
            var rotations = 0;
            while (!stop.IsCancellationRequested)
            {
                HttpResponseMessage response;
                try
                {
                    response = await RefreshAsync(toVictim, token);
                }
                catch (HttpRequestException)
                {
                    response = await RefreshAsync(toSurvivor, token); // the retry of an unanswered request
                }

                using (response)
                {
                    if (response.StatusCode == HttpStatusCode.ServiceUnavailable)
                    {
                        continue;
                    }

                    Assert.True(response.StatusCode == HttpStatusCode.OK, $"refresh answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
                    token = PairOf(await JsonAsync(response)).RefreshToken;
                    rotations++;
                    Interlocked.Increment(ref total);
                }
            }

            return (u.UserId, Token: token, Rotations: rotations);
        })).ToArray();

        await Eventually.UntilAsync(() => Interlocked.Read(ref total) >= 40); // the storm is running on the victim
        victim.Kill();
        var atKill = Interlocked.Read(ref total);
        await Eventually.UntilAsync(() => Interlocked.Read(ref total) >= atKill + 40); // and goes on through the survivor
        await stop.CancelAsync();
        var results = await Task.WhenAll(storms);

        output.WriteLine($"{results.Sum(r => r.Rotations)} rotations across {results.Length} users; the victim was killed mid-storm.");
        foreach (var (userId, token, _) in results)
        {
            // The last token each client holds still works: no committed rotation it received was lost.
            using var refresh = await RefreshAsync(toSurvivor, token);
            Assert.Equal(HttpStatusCode.OK, refresh.StatusCode);
            using var sessions = await AdminAsync(toSurvivor, HttpMethod.Get, $"/v1/admin/users/{userId}/sessions");
            Assert.Single((await JsonAsync(sessions)).EnumerateArray(), s => s.GetProperty("state").GetString() == "active");
        }
    }

    [PostgresFact]
    public async Task PostgresStoppedUnderLoad_503WithRetryAfter_Never200OnMissingState_RecoversAfterRestart()
    {
        await using var server = await PostgresServer.StartAsync("cluster-outage");
        var connection = await server.CreateDatabaseAsync();
        var fastFeed = new Dictionary<string, string> { ["Baton__Postgres__FeedMaxBackoff"] = "00:00:00.300" };
        await using var nodeA = new BatonNode("outage-a", connection, fastFeed);
        await using var nodeB = new BatonNode("outage-b", connection, fastFeed);
        await Task.WhenAll(nodeA.StartAsync(), nodeB.StartAsync());
        using var a = nodeA.CreateClient();
        using var b = nodeB.CreateClient();
        var username = NewUsername();
        await RegisterAsync(a, username);
        var pair = await LoginOkAsync(a, username);
        var spare = await RefreshAsync(b, pair.RefreshToken); // rotate once so the current token is "unconsumed"
        var current = PairOf(await JsonAsync(spare));
        spare.Dispose();

        await server.StopAsync();

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 10; i++)
        {
            foreach (var node in new[] { a, b })
            {
                using var login = await LoginAsync(node, username, "other-device");
                using var refresh = await RefreshAsync(node, current.RefreshToken);
                using var me = await MeAsync(node, current.AccessToken);
                foreach (var response in new[] { login, refresh, me })
                {
                    statuses.Add(response.StatusCode);
                    Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
                    Assert.NotNull(response.Headers.RetryAfter);
                }
            }
        }

        using (var ready = await a.GetAsync("/health/ready"))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
        }

        using (var live = await a.GetAsync("/health/live"))
        {
            Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        }

        await server.StartAsync();
        await nodeA.WaitUntilReadyAsync(TimeSpan.FromSeconds(30));
        await nodeB.WaitUntilReadyAsync(TimeSpan.FromSeconds(30));

        using var after = await RefreshAsync(a, current.RefreshToken);
        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
        var next = PairOf(await JsonAsync(after));
        using var meAfter = await MeAsync(b, next.AccessToken);
        Assert.Equal(HttpStatusCode.OK, meAfter.StatusCode);
        output.WriteLine($"{statuses.Count} requests during the outage, all 503 with Retry-After.");
    }
}
