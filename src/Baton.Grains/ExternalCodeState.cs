namespace Baton.Grains;

/// <summary>The persistent state of an <see cref="ExternalCodeGrain"/>: the sign-in the code stands for and until when, or nothing.</summary>
/// <param name="SignIn">The pending sign-in.</param>
/// <param name="ExpiresAt">When the code stops working.</param>
public sealed record ExternalCodeState(PendingSignIn? SignIn, DateTimeOffset ExpiresAt)
{
    /// <summary>No code.</summary>
    public ExternalCodeState()
        : this(null, DateTimeOffset.MinValue)
    {
    }
}
