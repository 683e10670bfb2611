namespace Baton.Client;

/// <summary>
/// Thrown by a request through a Baton client when its session has ended: the access token
/// expired or was refused, and Baton refused the refresh. The tokens are cleared from the store,
/// and later requests throw the same until new tokens are set: the user has to sign in again.
/// </summary>
public sealed class BatonSessionEndedException : Exception
{
    /// <summary>An exception for <paramref name="ended"/>.</summary>
    public BatonSessionEndedException(BatonSessionEnded ended)
        : base(ended?.Detail ?? $"The Baton session has ended ({ended?.Code}{(ended?.Reason is { } r ? ", " + r : "")}).")
    {
        ArgumentNullException.ThrowIfNull(ended);
        Ended = ended;
    }

    /// <summary>An exception with a message only (for serializers and tests).</summary>
    public BatonSessionEndedException()
        : this(new BatonSessionEnded("", BatonErrorCodes.SessionEnded, null, null))
    {
    }

    /// <summary>An exception with a message only.</summary>
    public BatonSessionEndedException(string message)
        : this(message, null)
    {
    }

    /// <summary>An exception with a message and a cause.</summary>
    public BatonSessionEndedException(string message, Exception? innerException)
        : base(message, innerException) => Ended = new BatonSessionEnded("", BatonErrorCodes.SessionEnded, null, message);

    /// <summary>What Baton answered.</summary>
    public BatonSessionEnded Ended { get; }

    /// <summary>Baton's error code (<see cref="BatonErrorCodes"/>).</summary>
    public string Code => Ended.Code;

    /// <summary>Why the session ended, for <c>session_ended</c> (<c>kicked</c>, <c>replaced</c>, ...).</summary>
    public string? Reason => Ended.Reason;
}
