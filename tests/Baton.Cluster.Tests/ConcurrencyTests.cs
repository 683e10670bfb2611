using System.Diagnostics;
using System.Net;
using Xunit.Abstractions;

namespace Baton.Cluster.Tests;

/// <summary>Races over both fronts of one cluster (I1, I2, I5), which they leave whole.</summary>
public sealed class ConcurrencyTests(SharedCluster shared, ITestOutputHelper output) : IClassFixture<SharedCluster>
{
    private LocalCluster Cluster => shared.Cluster;

    [RedisFact]
    public async Task Refresh_FiftyParallelOverBothFronts_OneNewGenerationEveryAnswerHoldsIt()
    {
        var user = $"race-{Guid.NewGuid():N}";
        var seeded = await FrontApi.SeedAsync(Cluster.Fronts[0], user);
        var go = new TaskCompletionSource();
        var refreshes = Enumerable.Range(0, 50).Select(async i =>
        {
            await go.Task;
            return await FrontApi.RefreshAsync(Cluster.Fronts[i % Cluster.Fronts.Count], seeded.RefreshToken);
        }).ToArray();
        go.SetResult();
        var replies = await Task.WhenAll(refreshes);

        var classes = replies.GroupBy(r => r.Class).ToDictionary(g => g.Key, g => g.Count());
        output.WriteLine($"answers: {string.Join(", ", classes.Select(c => $"{c.Key} x{c.Value}"))}");
        Assert.True(replies.All(r => r.IsOk), $"Not every refresh was a 200: {string.Join(" | ", replies.Where(r => !r.IsOk).Distinct())}{Environment.NewLine}{Cluster.OutputTails()}");
        var generations = replies.Select(r => r.Tokens!.RefreshJti).Distinct().ToArray();
        Assert.Single(generations);
        Assert.NotEqual(Jwt.Claim(seeded.RefreshToken, "jti"), generations[0]);

        var stored = (await StoredLedger.ReadExistingAsync(shared.Redis, user)).Session(seeded.SessionId);
        Assert.Equal(2, stored.Generation);
        Assert.Equal(generations[0], stored.CurrentJti);
        Assert.Null(stored.EndedAt);
    }

    [RedisFact]
    public async Task Issue_NinetyConcurrentLoginsOfOneUserAtLimitOne_NeverTwoActiveAndTheLastLives()
    {
        var user = $"logins-{Guid.NewGuid():N}";
        using var storm = new CancellationTokenSource();
        var mostActive = 0;
        var samples = 0;
        var sampler = Task.Run(async () =>
        {
            // Every version the grain persists is in Redis for at least a moment; sample them all the while.
            while (!storm.IsCancellationRequested)
            {
                if (await StoredLedger.ReadAsync(shared.Redis, user) is { } ledger)
                {
                    mostActive = Math.Max(mostActive, ledger.Active.Count());
                    samples++;
                }
            }
        });
        var go = new TaskCompletionSource();
        var logins = Enumerable.Range(0, 90).Select(async i =>
        {
            await go.Task;
            return await FrontApi.IssueAsync(Cluster.Fronts[i % Cluster.Fronts.Count], user);
        }).ToArray();
        go.SetResult();
        var replies = await Task.WhenAll(logins);
        await storm.CancelAsync();
        await sampler;

        output.WriteLine($"answers: {string.Join(", ", replies.GroupBy(r => r.Class).Select(g => $"{g.Key} x{g.Count()}"))}; {samples} samples of the stored ledger");
        Assert.True(replies.All(r => r.IsOk), $"Not every login was a 200: {string.Join(" | ", replies.Where(r => !r.IsOk).Distinct())}{Environment.NewLine}{Cluster.OutputTails()}");
        Assert.Equal(90, replies.Select(r => r.Tokens!.SessionId).Distinct().Count());
        Assert.True(mostActive <= 1, $"A persisted ledger held {mostActive} active sessions.");

        var stored = await StoredLedger.ReadExistingAsync(shared.Redis, user);
        var survivor = Assert.Single(stored.Active);
        var started = (await AuditTrail.ReadAsync(shared.Redis, user)).Where(e => e.Kind == "SessionStarted").ToArray();
        Assert.Equal(90, started.Select(e => e.SessionId).Distinct().Count());
        Assert.Equal(started[^1].SessionId, survivor.Id);

        var last = replies.Single(r => r.Tokens!.SessionId == survivor.Id).Tokens!;
        foreach (var front in Cluster.Fronts)
        {
            Assert.Equal(HttpStatusCode.OK, (await FrontApi.MeAsync(front, last.AccessToken)).Status);
        }

        var evicted = replies.Select(r => r.Tokens!).Where(t => t.SessionId != survivor.Id).ToArray();
        var refreshed = await Task.WhenAll(evicted.Select((t, i) => FrontApi.RefreshAsync(Cluster.Fronts[i % Cluster.Fronts.Count], t.RefreshToken)));
        Assert.All(refreshed, r => Assert.Equal(HttpStatusCode.Unauthorized, r.Status));
        Assert.Equal(HttpStatusCode.OK, (await FrontApi.RefreshAsync(Cluster.Fronts[1], last.RefreshToken)).Status);
    }

    [RedisFact]
    public async Task Kick_OnOneFront_TheOtherFrontRefusesTheAccessToken()
    {
        const int kicks = 100;
        var users = Enumerable.Range(0, kicks).Select(i => $"kick-{Guid.NewGuid():N}").ToArray();
        var sessions = new Tokens[kicks];
        await Parallel.ForAsync(0, kicks, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, _) =>
            sessions[i] = await FrontApi.SeedAsync(Cluster.Fronts[i % Cluster.Fronts.Count], users[i]));

        var delays = new List<double>();
        var answersBeforeRefusal = 0;
        for (var i = 0; i < kicks; i++)
        {
            var (kicker, other) = (Cluster.Fronts[i % 2], Cluster.Fronts[(i + 1) % 2]);
            // Both fronts have accepted the token once (and remember its verification).
            Assert.Equal(HttpStatusCode.OK, (await FrontApi.MeAsync(kicker, sessions[i].AccessToken)).Status);
            Assert.Equal(HttpStatusCode.OK, (await FrontApi.MeAsync(other, sessions[i].AccessToken)).Status);

            var kick = await FrontApi.KickAsync(kicker, users[i]);
            Assert.True(kick.Status == HttpStatusCode.OK, $"The kick on {kicker.Name} answered {kick}");
            var committed = Stopwatch.StartNew();
            while (true)
            {
                var me = await FrontApi.MeAsync(other, sessions[i].AccessToken);
                if (me.Status == HttpStatusCode.Unauthorized)
                {
                    Assert.Equal("session_ended", me.Code);
                    delays.Add(committed.Elapsed.TotalMilliseconds);
                    break;
                }

                Assert.True(me.Status == HttpStatusCode.OK, $"{other.Name} answered {me} for a kicked session's access token");
                answersBeforeRefusal++;
                Assert.True(committed.Elapsed < TimeSpan.FromSeconds(5), $"{other.Name} still accepted the kicked session's access token 5 s after the kick.{Environment.NewLine}{Cluster.OutputTails()}");
            }
        }

        delays.Sort();
        output.WriteLine($"kick on one front until the other refuses the access token, over {kicks} kicks: p50 {Percentile(delays, 0.50):0.0} ms, p99 {Percentile(delays, 0.99):0.0} ms, max {delays[^1]:0.0} ms; {answersBeforeRefusal} requests were still accepted after the kick answered");
    }

    private static double Percentile(List<double> sorted, double p) => sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p * sorted.Count) - 1)];
}
