using Baton.Api.Sessions;
using Baton.Core.Storage;
using Orleans.Persistence.Redis;
using Orleans.Runtime;
using StackExchange.Redis;

namespace Baton.Api.Tests;

/// <summary>
/// How a front repeats an idempotent session call (DESIGN.md §8): while its silo is lost, within a
/// budget; once when an answer did not come in time; never for a failure that a repeat cannot mend.
/// </summary>
public class GrainRetryTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromMilliseconds(200);
    private static readonly TimeSpan Budget = TimeSpan.FromMinutes(1);

    [Fact]
    public async Task RetryIdempotent_NoAnswerWithinPatience_RepeatsAtOnce()
    {
        var calls = 0;
        var swallowed = new TaskCompletionSource<int>(); // a request inside a killed silo: never answered

        var answer = await GrainFailures.RetryIdempotentAsync(() => ++calls == 1 ? swallowed.Task : Task.FromResult(42), TimeSpan.FromMinutes(1), Patience, Budget, TimeProvider.System, CancellationToken.None);

        Assert.Equal(42, answer);
        Assert.Equal(2, calls);
    }

    [Fact]
    public async Task RetryIdempotent_SiloLost_RepeatsOnceAfterTheDelay()
    {
        var calls = 0;

        var answer = await GrainFailures.RetryIdempotentAsync(
            () => ++calls == 1 ? Task.FromException<int>(new SiloUnavailableException("gone")) : Task.FromResult(7), TimeSpan.FromMilliseconds(10), Patience, Budget, TimeProvider.System, CancellationToken.None);

        Assert.Equal(7, answer);
        Assert.Equal(2, calls);
    }

    [Fact]
    public async Task RetryIdempotent_SiloLostSeveralTimes_RepeatsUntilTheCallLands()
    {
        var calls = 0;

        var answer = await GrainFailures.RetryIdempotentAsync(
            () => ++calls <= 3 ? Task.FromException<int>(new SiloUnavailableException("not declared dead yet")) : Task.FromResult(7),
            TimeSpan.FromMilliseconds(10), Patience, Budget, TimeProvider.System, CancellationToken.None);

        Assert.Equal(7, answer);
        Assert.Equal(4, calls);
    }

    [Fact]
    public async Task RetryIdempotent_SiloLostPastTheBudget_ThrowsAnOutage()
    {
        var calls = 0;

        var error = await Assert.ThrowsAsync<SiloUnavailableException>(() => GrainFailures.RetryIdempotentAsync(
            () => { calls++; return Task.FromException<int>(new SiloUnavailableException("gone")); }, TimeSpan.Zero, Patience, TimeSpan.FromMilliseconds(300), TimeProvider.System, CancellationToken.None));

        Assert.True(GrainFailures.IsUnavailable(error));
        Assert.InRange(calls, 3, 10); // repeats at 0, 50, 100, 200 ms...: backed off, not a busy loop
    }

    [Fact]
    public async Task RetryIdempotent_NoAnswerTwice_RepeatsOnlyOnce()
    {
        var calls = 0;
        var swallowed = new TaskCompletionSource<int>();

        await Assert.ThrowsAsync<TimeoutException>(() => GrainFailures.RetryIdempotentAsync(
            () => ++calls == 1 ? swallowed.Task : TimedOutLaterAsync(),
            TimeSpan.Zero, Patience, Budget, TimeProvider.System, CancellationToken.None));

        Assert.Equal(2, calls);

        // Orleans' own response timeout ends the repeat.
        static async Task<int> TimedOutLaterAsync()
        {
            await Task.Delay(50);
            throw new TimeoutException("Response did not arrive on time.");
        }
    }

    [Fact]
    public async Task RetryIdempotent_StoreUnavailable_IsNotRepeated()
    {
        var calls = 0;

        await Assert.ThrowsAsync<StoreUnavailableException>(() => GrainFailures.RetryIdempotentAsync(
            () => { calls++; return Task.FromException<int>(new StoreUnavailableException("Redis is down.")); }, TimeSpan.Zero, Patience, Budget, TimeProvider.System, CancellationToken.None));

        Assert.Equal(1, calls);
    }

    [Fact]
    public void IsUnavailable_MessageExpiredBeforePlacement_IsAnOutage() =>
        Assert.True(GrainFailures.IsUnavailable(new OperationCanceledException("Message expired before placement could complete for grain usersession/alice.")));

    [Fact]
    public void IsUnavailable_ActivationThatCouldNotReadRedis_IsAnOutage() =>
        Assert.True(GrainFailures.IsUnavailable(new OrleansException(
            "Error from storage provider RedisGrainStorage.ledger during ReadStateAsync",
            new RedisStorageException("Failed to read grain state", new RedisConnectionException(StackExchange.Redis.ConnectionFailureType.UnableToConnect, "No connection is active")))));

    [Fact]
    public void IsUnavailable_ABug_IsNot() =>
        Assert.False(GrainFailures.IsUnavailable(new InvalidOperationException("a bug")));
}
