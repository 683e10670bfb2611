using Baton.Core.Storage;
using Baton.Grains;
using Orleans.Runtime;
using Orleans.Runtime.Messaging;
using Orleans.Storage;

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

    /// <summary>
    /// Makes <paramref name="call"/>, retried once on a stale activation (I8), and once more when its
    /// silo was lost (DESIGN.md §8): after <paramref name="delay"/> when the call failed at once, at
    /// once when no answer came within <paramref name="patience"/> (a request that was inside the
    /// silo when it died is never answered; the first attempt is left to finish or fail on its own).
    /// For idempotent calls only: every session call carries the ids it would create, so a repeat
    /// whose first attempt was stored, or is still running, answers the same (a refresh inside the
    /// grace returns the same generation, a start the same session, an end that it ended). Whatever
    /// still fails propagates, and the caller answers 503.
    /// </summary>
    public static async Task<T> RetryIdempotentAsync<T>(Func<Task<T>> call, TimeSpan delay, TimeSpan patience, TimeProvider time, CancellationToken cancellationToken)
    {
        try
        {
            return await GrainCalls.RetryOnceOnStaleActivationAsync(call).WaitAsync(patience, time, cancellationToken);
        }
        catch (Exception e) when (IsSiloLost(e))
        {
            await Task.Delay(delay, time, cancellationToken);
        }
        catch (TimeoutException)
        {
        }

        cancellationToken.ThrowIfCancellationRequested();
        return await GrainCalls.RetryOnceOnStaleActivationAsync(call);
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
