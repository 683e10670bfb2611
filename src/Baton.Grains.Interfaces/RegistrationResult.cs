namespace Baton.Grains;

/// <summary>How a registration ended.</summary>
public enum RegistrationStatus
{
    /// <summary>The account was stored.</summary>
    Created,

    /// <summary>An account holds the normalized username.</summary>
    UsernameTaken,

    /// <summary>Another username with the same confusable skeleton holds the reservation (<see cref="RegistrationResult.SkeletonOwner"/>).</summary>
    LooksLikeAnother,
}

/// <summary>What a registration got.</summary>
/// <param name="Status">Created, or why not.</param>
/// <param name="SkeletonOwner">For <see cref="RegistrationStatus.LooksLikeAnother"/>: the normalized username holding the skeleton.</param>
[GenerateSerializer]
[Immutable]
[Alias("Baton.RegistrationResult")]
public sealed record RegistrationResult(
    [property: Id(0)] RegistrationStatus Status,
    [property: Id(1)] string? SkeletonOwner = null);
