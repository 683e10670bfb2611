using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using Baton.Testing;
using Baton.Testing.Postgres;
using Xunit.Abstractions;
using static Baton.Cluster.Tests.ClusterClient;

namespace Baton.Cluster.Tests;

/// <summary>DESIGN.md §2 across three real nodes on one PostgreSQL (SECURITY.md 19-21 spread over nodes).</summary>
[Collection(ClusterGroup.Name)]
public sealed class ClusterTests(ClusterFixture cluster, ITestOutputHelper output)
{
    private IReadOnlyList<HttpClient> Nodes => cluster.Clients;

    [PostgresFact]
    public async Task Refresh_FiftyParallelWithOneTokenOverThreeNodes_OneNewGeneration()
    {
        var username = NewUsername();
        await RegisterAsync(Nodes[0], username);
        var pair = await LoginOkAsync(Nodes[0], username);

        var responses = await Task.WhenAll(Enumerable.Range(0, 50).Select(i => RefreshAsync(Nodes[i % 3], pair.RefreshToken)));

        var jtis = new HashSet<string>(StringComparer.Ordinal);
        foreach (var response in responses)
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            jtis.Add(Jti((await JsonAsync(response)).GetProperty("refresh_token").GetString()!));
            response.Dispose();
        }

        var jti = Assert.Single(jtis);
        Assert.NotEqual(Jti(pair.RefreshToken), jti);
    }

    [PostgresFact]
    public async Task Kick_OnNodeA_NodesBAndCRejectTheAccessToken_PropagationMeasured()
    {
        var samples = new List<double>();
        for (var trial = 0; trial < 20; trial++)
        {
            var username = NewUsername();
            var userId = await RegisterAsync(Nodes[0], username);
            var pair = await LoginOkAsync(Nodes[trial % 3], username);
            // Every node has the ledger cached as current: only the change feed can tell them.
            foreach (var node in Nodes)
            {
                using var me = await MeAsync(node, pair.AccessToken);
                Assert.Equal(HttpStatusCode.OK, me.StatusCode);
            }

            var kicker = Nodes[trial % 3];
            var watchers = Nodes.Where(n => n != kicker).ToArray();
            var clock = Stopwatch.StartNew();
            using (var kick = await AdminAsync(kicker, HttpMethod.Post, $"/v1/admin/users/{userId}/kick"))
            {
                Assert.Equal(HttpStatusCode.OK, kick.StatusCode);
            }

            var committed = clock.Elapsed;
            var rejected = await Task.WhenAll(watchers.Select(async node =>
            {
                while (true)
                {
                    using var me = await MeAsync(node, pair.AccessToken);
                    if (me.StatusCode == HttpStatusCode.Unauthorized)
                    {
                        Assert.Equal("kicked", (await JsonAsync(me)).GetProperty("reason").GetString());
                        return clock.Elapsed;
                    }

                    Assert.Equal(HttpStatusCode.OK, me.StatusCode);
                    Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"{node.BaseAddress} still accepts a kicked session's token.");
                }
            }));
            samples.AddRange(rejected.Select(r => (r - committed).TotalMilliseconds));
        }

        samples.Sort();
        output.WriteLine($"kick propagation after the kick's response, {samples.Count} samples over 2 other nodes: " +
            $"p50 {Percentile(samples, 0.50):F1} ms, p99 {Percentile(samples, 0.99):F1} ms, max {samples[^1]:F1} ms");
    }

    [PostgresFact]
    public async Task Logins_ConcurrentOverThreeNodes_NeverExceedTheLimit()
    {
        var username = NewUsername();
        var userId = await RegisterAsync(Nodes[0], username);

        var responses = await Task.WhenAll(Enumerable.Range(0, 90).Select(i => LoginAsync(Nodes[i % 3], username, $"device-{i}")));

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        using var list = await AdminAsync(Nodes[1], HttpMethod.Get, $"/v1/admin/users/{userId}/sessions");
        var sessions = (await JsonAsync(list)).EnumerateArray().ToArray();
        var active = sessions.Count(s => s.GetProperty("state").GetString() == "active");
        Assert.Equal(3, active);
        Assert.All(sessions.Where(s => s.GetProperty("state").GetString() == "ended"), s => Assert.Equal("replaced", s.GetProperty("end_reason").GetString()));
        var live = 0;
        foreach (var response in responses)
        {
            var pair = PairOf(await JsonAsync(response));
            using var me = await MeAsync(Nodes[2], pair.AccessToken);
            live += me.StatusCode == HttpStatusCode.OK ? 1 : 0;
            response.Dispose();
        }

        Assert.Equal(3, live);
    }

    [PostgresFact]
    public async Task Kick_RacingRefreshesOnOtherNodes_NothingMintedWorksAfterwards()
    {
        var username = NewUsername();
        var userId = await RegisterAsync(Nodes[0], username);
        var pair = await LoginOkAsync(Nodes[0], username);
        var minted = new ConcurrentBag<Pair>();
        using var stop = new CancellationTokenSource();
        var refreshers = Enumerable.Range(1, 2).Select(i => Task.Run(async () =>
        {
            var token = pair.RefreshToken;
            while (!stop.IsCancellationRequested)
            {
                using var response = await RefreshAsync(Nodes[i], token);
                if (response.StatusCode != HttpStatusCode.OK)
                {
                    return;
                }

                var next = PairOf(await JsonAsync(response));
                minted.Add(next);
                token = next.RefreshToken;
            }
        })).ToArray();

        // Kick once the refreshers are rotating. Both start from one token, so they may also end the
        // session themselves (reuse detection) before the kick: wait for a mint or for both to stop.
        await Eventually.UntilAsync(() => !minted.IsEmpty || refreshers.All(r => r.IsCompleted));
        using (var kick = await AdminAsync(Nodes[0], HttpMethod.Post, $"/v1/admin/users/{userId}/kick"))
        {
            Assert.Equal(HttpStatusCode.OK, kick.StatusCode);
        }

        await stop.CancelAsync();
        await Task.WhenAll(refreshers);
        Assert.NotEmpty(minted);
        foreach (var token in minted)
        {
            using var refresh = await RefreshAsync(Nodes[2], token.RefreshToken);
            Assert.Equal(HttpStatusCode.Unauthorized, refresh.StatusCode);
            using var me = await MeAsync(Nodes[1], token.AccessToken);
            Assert.Equal(HttpStatusCode.Unauthorized, me.StatusCode);
        }
    }

    [PostgresFact]
    public async Task Lock_OnNodeA_EveryNodeRefusesTokensAndLogins_UnlockOnNodeC_LoginWorksOnNodeBAtOnce()
    {
        var username = NewUsername();
        var userId = await RegisterAsync(Nodes[0], username);
        var pair = await LoginOkAsync(Nodes[1], username);
        using (var me = await MeAsync(Nodes[1], pair.AccessToken))
        {
            Assert.Equal(HttpStatusCode.OK, me.StatusCode); // node B has the ledger cached
        }

        using (var locked = await AdminAsync(Nodes[0], HttpMethod.Post, $"/v1/admin/users/{userId}/lock"))
        {
            Assert.Equal(HttpStatusCode.OK, locked.StatusCode);
        }

        // Node B learns of the lock through the change feed; until then it may still accept the token.
        await Eventually.UntilAsync(async () =>
        {
            using var me = await MeAsync(Nodes[1], pair.AccessToken);
            return me.StatusCode == HttpStatusCode.Unauthorized && (await JsonAsync(me)).GetProperty("reason").GetString() == "account_locked";
        });
        foreach (var node in Nodes)
        {
            using var refused = await LoginAsync(node, username, "another-device");
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
            Assert.Equal("account_locked", (await JsonAsync(refused)).GetProperty("code").GetString());
        }

        using (var unlocked = await AdminAsync(Nodes[2], HttpMethod.Post, $"/v1/admin/users/{userId}/unlock"))
        {
            Assert.Equal(HttpStatusCode.NoContent, unlocked.StatusCode);
        }

        // No waiting for the feed: a lock seen in node B's cache is confirmed on the store first.
        using var login = await LoginAsync(Nodes[1], username, "after-unlock");
        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
    }

    private static double Percentile(List<double> sorted, double p) => sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p * sorted.Count) - 1)];
}

[CollectionDefinition(Name)]
public sealed class ClusterGroup : ICollectionFixture<ClusterFixture>
{
    public const string Name = "cluster";
}
