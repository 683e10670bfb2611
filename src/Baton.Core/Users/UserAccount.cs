using System.Collections.Immutable;

namespace Baton.Core.Users;

/// <summary>A user's account: credentials, roles and lockout state. Sessions live in the ledger, not here.</summary>
/// <param name="Id">The stable user id (<c>sub</c> claim; the ledger's key).</param>
/// <param name="Username">The username as registered (shown back to the user).</param>
/// <param name="NormalizedUsername">The lookup key: <see cref="UsernameNormalizer.Normalize"/> of the username; unique.</param>
/// <param name="PasswordHash">ASP.NET Core Identity's PBKDF2 hash, or null for accounts whose backend starts sessions itself.</param>
/// <param name="Roles">Roles copied into access tokens (for example <c>admin</c>).</param>
/// <param name="SecurityStamp">Changes whenever credentials change.</param>
/// <param name="FailedLoginCount">Consecutive failed logins since the last success or lockout.</param>
/// <param name="LockedUntil">Logins are refused until then, when set.</param>
/// <param name="CreatedAt">When the account was created.</param>
public sealed record UserAccount(
    string Id,
    string Username,
    string NormalizedUsername,
    string? PasswordHash,
    ImmutableArray<string> Roles,
    string SecurityStamp,
    int FailedLoginCount,
    DateTimeOffset? LockedUntil,
    DateTimeOffset CreatedAt)
{
    /// <summary>The look-alike key (<see cref="UsernameNormalizer.Skeleton"/> of the username); unique, so no account can pass for another.</summary>
    public string UsernameSkeleton => UsernameNormalizer.Skeleton(Username);

    /// <summary>True when logins are refused at <paramref name="now"/>.</summary>
    public bool IsLockedOutAt(DateTimeOffset now) => LockedUntil is { } until && now < until;
}
