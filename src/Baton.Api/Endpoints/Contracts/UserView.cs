using Baton.Core;
using Baton.Grains;
using Baton.Core.Users;

namespace Baton.Api.Endpoints.Contracts;

/// <summary>A user as administrators see it.</summary>
/// <param name="UserId">The user id (the tokens' <c>sub</c>).</param>
/// <param name="Username">The account's username; null for a user a trusted backend manages, or a deleted one.</param>
/// <param name="Roles">The account's roles (empty without an account).</param>
/// <param name="Status"><c>active</c>, <c>locked</c> (by an administrator) or <c>deleted</c>.</param>
/// <param name="LockedOutUntil">When a lockout after failed logins ends; null when there is none now.</param>
/// <param name="FailedLogins">Consecutive failed logins counted toward the next lockout.</param>
/// <param name="ActiveSessions">Sessions that can be refreshed now.</param>
public sealed record UserView(string UserId, string? Username, IReadOnlyList<string> Roles, string Status, DateTimeOffset? LockedOutUntil, int FailedLogins, int ActiveSessions)
{
    internal static UserView Of(string userId, UserAccount? account, LedgerSummary ledger, DateTimeOffset now) => new(
        userId,
        account?.Username,
        account is null ? [] : [.. account.Roles],
        ledger.ClosedFor switch
        {
            EndReason.AccountDeleted => "deleted",
            EndReason.AccountLocked => "locked",
            _ => "active",
        },
        account is not null && account.IsLockedOutAt(now) ? account.LockedUntil : null,
        account?.FailedLoginCount ?? 0,
        ledger.ActiveSessions);
}
