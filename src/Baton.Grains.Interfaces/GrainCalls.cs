using Orleans.Storage;

namespace Baton.Grains;

/// <summary>How callers (the API) call grains that own a ledger.</summary>
public static class GrainCalls
{
    /// <summary>
    /// Makes <paramref name="call"/> and, if the activation that took it was stale (another
    /// activation had written the state: <see cref="InconsistentStateException"/>), makes it once
    /// more. The stale activation stored nothing and deactivated, so the second call is decided on
    /// the stored ledger by a fresh activation (DESIGN.md §1.3, I8). A second conflict is not
    /// retried: it propagates, and the API answers 503.
    /// </summary>
    /// <remarks>Safe because every grain call carries the ids it would create (session id, refresh <c>jti</c>).</remarks>
    public static async Task<T> RetryOnceOnStaleActivationAsync<T>(Func<Task<T>> call)
    {
        ArgumentNullException.ThrowIfNull(call);
        try
        {
            return await call();
        }
        catch (InconsistentStateException)
        {
            return await call();
        }
    }
}
