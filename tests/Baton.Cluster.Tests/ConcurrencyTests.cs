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
}
