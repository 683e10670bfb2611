namespace Baton.Grains;

/// <summary>An external identity linked to a user, as the user's list holds it.</summary>
/// <param name="Provider">The configured provider's name.</param>
/// <param name="Subject">The provider's stable id of the person (OIDC <c>sub</c>, OAuth 2.0 user id).</param>
/// <param name="Username">The provider's username, as last seen (display only).</param>
/// <param name="Email">The provider's email, as last seen (display only; never used to match).</param>
/// <param name="LinkedAt">When it was linked.</param>
[GenerateSerializer]
[Immutable]
[Alias("Baton.ExternalIdentity")]
public sealed record ExternalIdentity(
    [property: Id(0)] string Provider,
    [property: Id(1)] string Subject,
    [property: Id(2)] string? Username,
    [property: Id(3)] string? Email,
    [property: Id(4)] DateTimeOffset LinkedAt);
