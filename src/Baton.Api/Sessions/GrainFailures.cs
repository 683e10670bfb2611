using Baton.Core.Storage;
using Baton.Grains;
using Orleans.Persistence.Redis;
using Orleans.Runtime;
using Orleans.Runtime.Messaging;
using Orleans.Storage;
using StackExchange.Redis;

namespace Baton.Api.Sessions;

/// <summary>
/// The one place that says which failures of a grain call mean "the session store is unavailable"
/// (DESIGN.md §8, invariant I7): the caller answers 503 with <c>Retry-After</c>, never 500.
/// </summary>
internal static class GrainFailures
{
    /// <summary>Whether <paramref name="exception"/> is an outage rather than a bug.</summary>
    public static bool IsUnavailable(Exception exception) => exception switch
    {
        // The grain could not write (or, on activation, read) its state: nothing changed.
        SessionStoreUnavailableException or StoreUnavailableException => true,
        // A stale activation that is still stale on the retry.
        InconsistentStateException => true,
        // A grain that could not read its state from Redis as it activated: Orleans wraps the
        // provider's failure (an OrleansException around a RedisStorageException around the client's).
        RedisStorageException or RedisConnectionException or RedisTimeoutException => true,
        // Unreachable silos, rejected or timed-out messages, failed activations.
        SiloUnavailableException or OrleansMessageRejectionException or TimeoutException or ConnectionFailedException => true,
        // Orleans gave up on a message (it expired before placement completed: a starved or
        // partitioned silo). Baton passes no token of its own to a grain call, so it is never ours.
        OperationCanceledException => true,
        OrleansException { InnerException: { } inner } => IsUnavailable(inner),
        AggregateException { InnerExceptions: [var only] } => IsUnavailable(only),
        _ => false,
    };

    /// <summary>
    /// Whether <paramref name="exception"/> says a silo died or is being declared dead: the call did
    /// not reach a grain that decided, or the grain's answer was lost with its silo. Until the
    /// membership declares the silo dead (about 2 s, <c>Baton:Cluster:Membership</c>), calls to its
    /// grains fail like this; after, the grains activate on another silo from storage.
    /// </summary>
    public static bool IsSiloLost(Exception exception) => exception switch
    {
        SiloUnavailableException or OrleansMessageRejectionException or ConnectionFailedException => true,
        OrleansException { InnerException: { } inner } => IsSiloLost(inner),
        AggregateException { InnerExceptions: [var only] } => IsSiloLost(only),
        _ => false,
    };

    /// <summary>The longest wait between two repeats of a call whose silo was lost.</summary>
    public static readonly TimeSpan MaxRetryDelay = TimeSpan.FromSeconds(1);

    /// <summary>The shortest, so that a <c>RetryDelay</c> of 0 still backs off after the first repeat.</summary>
    private static readonly TimeSpan MinRetryDelay = TimeSpan.FromMilliseconds(50);

    /// <summary>
    /// Makes <paramref name="call"/>, retried once on a stale activation (I8), and repeated while its
    /// silo is lost (DESIGN.md §8). A call that failed because its silo was lost is repeated after
    /// <paramref name="delay"/>, then after twice that and so on up to <see cref="MaxRetryDelay"/>,
    /// for as long as <paramref name="giveUpAfter"/> allows: the grain is unplaceable until the
    /// membership declares its silo dead (1-2 s with Baton's tuning), and short repeats land within a
    /// fraction of a second of that instead of a fixed delay after it. A call with no answer within
    /// <paramref name="patience"/> is repeated once, at once (a request that was inside the silo when it
    /// died is never answered; the first attempt is left to finish or fail on its own), and only once,
    /// so a grain that is merely slow gets one extra call, not a stream of them. For idempotent calls
    /// only: every session call carries the ids it would create, so a repeat whose first attempt was
    /// stored, or is still running, answers the same (a refresh inside the grace returns the same
    /// generation, a start the same session, an end that it ended). Whatever still fails propagates,
    /// and the caller answers 503.
    /// </summary>
    public static async Task<T> RetryIdempotentAsync<T>(Func<Task<T>> call, TimeSpan delay, TimeSpan patience, TimeSpan giveUpAfter, TimeProvider time, CancellationToken cancellationToken)
    {
        var started = time.GetTimestamp();
        var wait = delay;
        var repeatedUnanswered = false;
        while (true)
        {
            var attempt = GrainCalls.RetryOnceOnStaleActivationAsync(call);
            try
            {
                return repeatedUnanswered ? await attempt.WaitAsync(cancellationToken) : await attempt.WaitAsync(patience, time, cancellationToken);
            }
            catch (Exception e) when (IsSiloLost(e) && time.GetElapsedTime(started) + wait < giveUpAfter)
            {
                await Task.Delay(wait, time, cancellationToken);
                wait = TimeSpan.FromTicks(Math.Clamp(wait.Ticks * 2, MinRetryDelay.Ticks, MaxRetryDelay.Ticks));
            }
            catch (TimeoutException) when (!repeatedUnanswered)
            {
                repeatedUnanswered = true;
            }
        }
    }

    /// <summary>
    /// Makes <paramref name="call"/> (retried once on a stale activation), with every outage thrown
    /// as <see cref="StoreUnavailableException"/>: for callers whose store failures already answer
    /// 503 through the exception handler (accounts, the key ring).
    /// </summary>
    public static async Task<T> AsStoreFailureAsync<T>(Func<Task<T>> call)
    {
        try
        {
            return await GrainCalls.RetryOnceOnStaleActivationAsync(call);
        }
        catch (Exception e) when (IsUnavailable(e))
        {
            throw new StoreUnavailableException("A grain could not be reached or could not store its change.", e);
        }
    }
}
