using System.Collections.Immutable;
using Baton.Core.Users;

namespace Baton.Grains;

/// <summary>An account as it crosses the grain boundary (<see cref="UserAccount"/> on either side).</summary>
[GenerateSerializer]
[Immutable]
[Alias("Baton.AccountDetails")]
public sealed record AccountDetails(
    [property: Id(0)] string Id,
    [property: Id(1)] string Username,
    [property: Id(2)] string NormalizedUsername,
    [property: Id(3)] string? PasswordHash,
    [property: Id(4)] ImmutableArray<string> Roles,
    [property: Id(5)] string SecurityStamp,
    [property: Id(6)] int FailedLoginCount,
    [property: Id(7)] DateTimeOffset? LockedUntil,
    [property: Id(8)] DateTimeOffset CreatedAt)
{
    /// <summary>The message form of <paramref name="account"/>.</summary>
    public static AccountDetails From(UserAccount account)
    {
        ArgumentNullException.ThrowIfNull(account);
        return new(account.Id, account.Username, account.NormalizedUsername, account.PasswordHash, account.Roles.IsDefault ? [] : account.Roles,
            account.SecurityStamp, account.FailedLoginCount, account.LockedUntil, account.CreatedAt);
    }

    /// <summary>The domain form.</summary>
    public UserAccount ToAccount() =>
        new(Id, Username, NormalizedUsername, PasswordHash, Roles.IsDefault ? [] : Roles, SecurityStamp, FailedLoginCount, LockedUntil, CreatedAt);
}
