namespace Baton.Grains;

/// <summary>
/// A grain could not store its change (the grain storage failed or timed out): nothing changed,
/// the in-memory ledger is as before, and no token may be minted. Storage-neutral and serializable
/// across the grain boundary (the storage's own exception may not be); the API answers 503 with
/// Retry-After (invariant I7). A stale activation is not this: see
/// <see cref="Orleans.Storage.InconsistentStateException"/> and <see cref="GrainCalls"/>.
/// </summary>
[GenerateSerializer]
[Alias("Baton.SessionStoreUnavailableException")]
public sealed class SessionStoreUnavailableException : Exception
{
    /// <summary>Creates the exception.</summary>
    public SessionStoreUnavailableException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public SessionStoreUnavailableException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the storage's failure (which stays on the silo).</summary>
    public SessionStoreUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
