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
        OrleansException { InnerException: { } inner } => IsUnavailable(inner),
        AggregateException { InnerExceptions: [var only] } => IsUnavailable(only),
        _ => false,
    };

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
