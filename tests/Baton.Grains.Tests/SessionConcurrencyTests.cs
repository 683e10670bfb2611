using System.Collections.Concurrent;
using Baton.Core.Ledgers;

namespace Baton.Grains.Tests;

/// <summary>
/// SECURITY.md 19-20 and DESIGN.md I1, I2 on the grain, written once and run on each grain storage
/// (<see cref="SessionConcurrencyOnTestStorageTests"/>, <see cref="SessionConcurrencyOnSqliteTests"/>),
/// with callers on every silo: what a caller is handed is already what storage holds.
/// </summary>
public abstract class SessionConcurrencyTests(IGrainClusterFixture fixture) : GrainTestBase(fixture)
{
    /// <summary>Makes each write take about <paramref name="latency"/>, where the storage lets a test say so.</summary>
    protected abstract void SlowWrites(TimeSpan latency);

    /// <summary>The user's state as the storage holds it now, or null.</summary>
    internal abstract UserSessionState? StoredState(string userId);

    /// <summary>Every version of the user's state the storage accepted, in order.</summary>
    internal abstract IReadOnlyList<UserSessionState> CommittedStates(string userId);

    [Fact]
    public async Task Refresh_FiftyParallelWithOneToken_OneNewGenerationDurableBeforeAnyAnswer()
    {
        var userId = NewUserId("refresh50");
        var started = (await Grain(userId).StartSessionAsync(Login("d1"))).Session!;
        SlowWrites(TimeSpan.FromMilliseconds(20));
        var durableAtAnswer = new ConcurrentBag<bool>();

        var results = await Task.WhenAll(Enumerable.Range(0, 50).Select(async i =>
        {
            var result = await Grain(userId, i).RefreshAsync(Refresh(started.Id, started.CurrentJti));
            // What the caller is handed must already be what storage holds (I6: never a token storage does not know).
            durableAtAnswer.Add(result.Session is { } s && StoredState(userId)!.Ledger!.Find(s.Id)?.CurrentJti == s.CurrentJti);
            return result;
        }));

        Assert.All(results, r => Assert.True(r.Succeeded));
        var jti = Assert.Single(results.Select(r => r.Session!.CurrentJti).Distinct());
        Assert.All(results, r => Assert.Equal(2, r.Session!.Generation));
        Assert.Single(results, r => r.Status == RefreshStatus.Rotated);
        Assert.All(durableAtAnswer, Assert.True);
        var stored = StoredState(userId)!.Ledger!.Find(started.Id)!;
        Assert.Equal((2, jti), (stored.Generation, stored.CurrentJti));
        Assert.Equal(2, CommittedStates(userId).Count);
    }

    [Fact]
    public async Task StartSession_TwentyConcurrentAtLimitOfThree_NoPersistedStateAboveThreeAndAllAnsweredDurably()
    {
        using var policy = GrainClusterFixture.UsePolicy(p => p.MaxSessionsPerUser = 3);
        var userId = NewUserId("limit");
        await Grain(userId).StartSessionAsync(Login("first"));
        await Grain(userId).StartSessionAsync(Login("second"));
        SlowWrites(TimeSpan.FromMilliseconds(5));
        var durableAtAnswer = new ConcurrentBag<bool>();

        var results = await Task.WhenAll(Enumerable.Range(0, 20).Select(async i =>
        {
            var result = await Grain(userId, i).StartSessionAsync(Login($"device-{i}"));
            durableAtAnswer.Add(result.Session is { } s && StoredState(userId)!.Ledger!.Find(s.Id) is not null);
            return result;
        }));

        Assert.All(results, r => Assert.True(r.Succeeded));
        Assert.All(durableAtAnswer, Assert.True);
        var committed = CommittedStates(userId);
        Assert.Equal(22, committed.Count);
        Assert.All(committed, w => Assert.True(w.Ledger!.ActiveSessions.Count() <= 3, $"{w.Ledger.ActiveSessions.Count()} active sessions persisted"));
        Assert.Equal(3, (await Grain(userId, 2).GetSummaryAsync()).ActiveSessions);
    }
}

/// <summary><see cref="SessionConcurrencyTests"/> on the tests' own grain storage, whose write latency they set.</summary>
[Collection(GrainClusterTests.Name)]
public sealed class SessionConcurrencyOnTestStorageTests(GrainClusterFixture fixture) : SessionConcurrencyTests(fixture)
{
    protected override void SlowWrites(TimeSpan latency) => Store.WriteLatency = latency;

    internal override UserSessionState? StoredState(string userId) => Stored(userId);

    internal override IReadOnlyList<UserSessionState> CommittedStates(string userId) => Written(userId);
}

/// <summary><see cref="SessionConcurrencyTests"/> on the embedded default's <c>SqliteGrainStorage</c>: every write is a real commit and sync.</summary>
[Collection(SqliteGrainClusterTests.Name)]
public sealed class SessionConcurrencyOnSqliteTests(SqliteGrainClusterFixture fixture) : SessionConcurrencyTests(fixture)
{
    protected override void SlowWrites(TimeSpan latency)
    {
        // The file's own commit and sync are the latency.
    }

    internal override UserSessionState? StoredState(string userId) => SqliteGrainClusterFixture.Stored(userId);

    internal override IReadOnlyList<UserSessionState> CommittedStates(string userId) => SqliteGrainClusterFixture.Committed(userId);
}
