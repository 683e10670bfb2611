using StackExchange.Redis;

namespace Baton.Cluster.Tests;

/// <summary>What a cluster owes the clients of a <see cref="RefreshStorm"/> once it has recovered (I2, I6).</summary>
internal static class ChainAssert
{
    /// <summary>
    /// For every client: it was never refused; the stored session is active and its current generation
    /// is the last one acknowledged to the client (none lost, none minted behind its back); the audit
    /// trail shows each generation rotated at most once (no generation has two successors); and the
    /// newest refresh token it holds still refreshes, on every front.
    /// </summary>
    public static async Task NothingLostAsync(IDatabase redis, RefreshStorm storm, LocalCluster cluster, IEnumerable<BatonNode>? fronts = null)
    {
        var serving = (fronts ?? cluster.Fronts).ToArray();
        foreach (var chain in storm.Chains)
        {
            if (storm.Chains.Where(c => c.Refusal is not null).ToArray() is [var firstRefused, ..] refused)
            {
                Assert.Fail($"{refused.Length} clients' valid refresh tokens were refused: {firstRefused.Refusal}{Environment.NewLine}{string.Join(Environment.NewLine, refused.Select(c => $"{c.User}, {c.Generations.Count} generations acknowledged, its last answers (ms since the storm started):{Environment.NewLine}{storm.Timeline(c.User, 6)}"))}{Environment.NewLine}{cluster.OutputTails()}");
            }

            var stored = (await StoredLedger.ReadExistingAsync(redis, chain.User)).Session(chain.SessionId);
            Assert.True(stored.EndedAt is null, $"{chain.User}'s session ended ({stored.EndReason}).");
            // A rotation whose answer was lost (the client's last answer was a 503 or none) is in the
            // store one generation ahead; the client's repeat inside the grace must then get exactly it.
            var lastAnswerLost = storm.Observations.LastOrDefault(o => o.User == chain.User) is { Reply.IsOk: false };
            var owed = stored.Generation == chain.Generations.Count + 1 && lastAnswerLost ? stored.CurrentJti : null;
            Assert.True((stored.Generation == chain.Generations.Count && stored.CurrentJti == chain.Generations[^1]) || owed is not null,
                $"{chain.User}: the client was acknowledged {chain.Generations.Count} generations (last {chain.Generations[^1]}), the store holds generation {stored.Generation} ({stored.CurrentJti}).");

            var rotations = (await AuditTrail.ReadAsync(redis, chain.User))
                .Where(e => e.Kind == "TokenRotated" && e.SessionId == chain.SessionId)
                .DistinctBy(e => e.EventId)
                .GroupBy(e => e.Generation)
                .Where(g => g.Count() > 1)
                .Select(g => $"generation {g.Key} by {string.Join(" and ", g.Select(e => $"{e.EventId}@{e.Node}"))}")
                .ToArray();
            Assert.True(rotations.Length == 0, $"{chain.User}: a generation was rotated twice: {string.Join("; ", rotations)}");

            if (owed is not null)
            {
                var repeat = await FrontApi.RefreshAsync(serving[0], chain.Latest.RefreshToken);
                Assert.True(repeat.IsOk && repeat.Tokens!.RefreshJti == owed, $"{chain.User}: repeating the refresh whose answer was lost gave {repeat}, not the stored generation {stored.Generation}.");
                chain.Adopt(repeat.Tokens!);
            }

            foreach (var front in serving)
            {
                var reply = await FrontApi.RefreshAsync(front, chain.Latest.RefreshToken);
                Assert.True(reply.IsOk, $"{chain.User}'s newest refresh token was refused by {front.Name} after recovery: {reply}{Environment.NewLine}{front.OutputTail()}");
                Assert.NotEqual(chain.Latest.RefreshJti, reply.Tokens!.RefreshJti);
                chain.Adopt(reply.Tokens!);
            }
        }
    }
}
