namespace Baton.Grains;

/// <summary>What a login needs to know of a username, whether or not an account holds it.</summary>
/// <param name="Account">The account, or null when the username names none.</param>
/// <param name="LockedUntil">Until when failed logins lock the username out (an account's lockout, or an unknown username's), when they do.</param>
[GenerateSerializer]
[Immutable]
[Alias("Baton.AccountLookup")]
public sealed record AccountLookup(
    [property: Id(0)] AccountDetails? Account,
    [property: Id(1)] DateTimeOffset? LockedUntil);
