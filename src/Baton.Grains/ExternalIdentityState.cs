namespace Baton.Grains;

/// <summary>The persistent state of an <see cref="ExternalIdentityGrain"/>: the user the identity signs in, or null.</summary>
/// <param name="UserId">The Baton user id.</param>
public sealed record ExternalIdentityState(string? UserId)
{
    /// <summary>Linked to nobody.</summary>
    public ExternalIdentityState()
        : this((string?)null)
    {
    }
}
