namespace Baton.Grains;

/// <summary>How a link ended.</summary>
public enum LinkStatus
{
    /// <summary>The identity is now linked to the user (or already was).</summary>
    Linked,

    /// <summary>Another user holds the identity (<see cref="LinkResult.Owner"/>).</summary>
    TakenByAnother,

    /// <summary>The user has another identity of the same provider linked.</summary>
    ProviderAlreadyLinked,
}

/// <summary>What a link got.</summary>
/// <param name="Status">Linked, or why not.</param>
/// <param name="Owner">For <see cref="LinkStatus.TakenByAnother"/>: the user who holds the identity.</param>
[GenerateSerializer]
[Immutable]
[Alias("Baton.LinkResult")]
public sealed record LinkResult(
    [property: Id(0)] LinkStatus Status,
    [property: Id(1)] string? Owner = null);

/// <summary>How an unlink ended.</summary>
public enum UnlinkStatus
{
    /// <summary>The identity is no longer linked.</summary>
    Unlinked,

    /// <summary>The user has no identity of that provider.</summary>
    NotLinked,

    /// <summary>Refused: it is the user's last way to sign in.</summary>
    LastSignInMethod,
}
