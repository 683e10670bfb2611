namespace Baton.Core.Storage;

/// <summary>
/// A store could not be reached or gave up (connection refused or lost, timeout, pool exhausted,
/// database shutting down). Storage-neutral: each store translates its own failures into this,
/// and the API answers 503 with Retry-After (invariant I7, fail closed).
/// </summary>
public sealed class StoreUnavailableException : Exception
{
    /// <summary>Creates the exception.</summary>
    public StoreUnavailableException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public StoreUnavailableException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception wrapping the store's own failure.</summary>
    public StoreUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
