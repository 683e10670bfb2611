using Microsoft.Extensions.Logging;
using Orleans.Storage;

namespace Baton.Grains;

/// <summary>How the account and key ring grains commit a new state: answer only after the ETag'd write, and change nothing when it fails.</summary>
internal static class StateCommits
{
    /// <summary>
    /// Replaces the state with <paramref name="next"/> and writes it. A failed write restores the
    /// previous state; a stale ETag (another activation wrote) also deactivates the grain and
    /// rethrows for the caller's one retry (<see cref="GrainCalls"/>); any other failure becomes
    /// <see cref="SessionStoreUnavailableException"/> (503 at the API).
    /// </summary>
    public static async Task CommitAsync<T>(this IPersistentState<T> state, T next, Grain grain, ILogger logger)
    {
        var before = state.State;
        state.State = next;
        await StoreAsync(state, before, state.WriteStateAsync, grain, logger);
    }

    /// <summary>
    /// Deletes the stored state (the record is gone, not an empty document left behind), with the
    /// same answers as <see cref="CommitAsync{T}"/> when it fails.
    /// </summary>
    public static Task ClearAsync<T>(this IPersistentState<T> state, Grain grain, ILogger logger) =>
        StoreAsync(state, state.State, state.ClearStateAsync, grain, logger);

    private static async Task StoreAsync<T>(IPersistentState<T> state, T before, Func<Task> store, Grain grain, ILogger logger)
    {
        try
        {
            await store();
        }
        catch (Exception e)
        {
            state.State = before;
            var key = grain.GetGrainId().ToString();
            if (StaleEtag(e) is { } stale)
            {
                Log.StaleGrainState(logger, key);
                grain.DeactivateOnIdle();
                throw stale;
            }

            Log.GrainStateWriteFailed(logger, key, e);
            throw new SessionStoreUnavailableException($"The state of {key} could not be written; nothing changed.");
        }
    }

    /// <summary>The stale-ETag failure in <paramref name="e"/> (a storage bridge may wrap it), or null.</summary>
    public static InconsistentStateException? StaleEtag(Exception e)
    {
        for (Exception? inner = e; inner is not null; inner = inner.InnerException)
        {
            if (inner is InconsistentStateException stale)
            {
                return stale;
            }
        }

        return null;
    }
}
