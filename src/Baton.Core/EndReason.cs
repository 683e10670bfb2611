namespace Baton.Core;

/// <summary>
/// Why a session ended. Kept in the ledger so that the ended session's tokens are refused with a
/// precise reason ("you were signed out because you signed in on another device").
/// </summary>
public enum EndReason
{
    /// <summary>The user signed out of this session.</summary>
    Logout,
    /// <summary>A newer login took its place (device limit, or the same device id).</summary>
    Replaced,
    /// <summary>An administrator ended every session of the user.</summary>
    Kicked,
    /// <summary>This one session was revoked (by its user from another device, an admin, or RFC 7009).</summary>
    Revoked,
    /// <summary>An already rotated refresh token was presented again: presumed theft.</summary>
    ReuseDetected,
    /// <summary>The user changed their password; every other session ends.</summary>
    PasswordChanged,
    /// <summary>The idle or absolute lifetime passed.</summary>
    Expired,
    /// <summary>
    /// An administrator locked the account: every session ends and no new one starts until it is
    /// unlocked. Also the end of the one session whose wrong current passwords (password change)
    /// locked the account out; its other sessions go on.
    /// </summary>
    AccountLocked,
    /// <summary>The account was deleted: every session ends and no new one ever starts for its user id.</summary>
    AccountDeleted,
}

/// <summary>Wire forms of <see cref="EndReason"/>.</summary>
public static class EndReasons
{
    /// <summary>The snake_case reason that appears in problem details and the revocation feed.</summary>
    public static string ToWire(this EndReason reason) => reason switch
    {
        EndReason.Logout => "logout",
        EndReason.Replaced => "replaced",
        EndReason.Kicked => "kicked",
        EndReason.Revoked => "revoked",
        EndReason.ReuseDetected => "reuse_detected",
        EndReason.PasswordChanged => "password_changed",
        EndReason.Expired => "expired",
        EndReason.AccountLocked => "account_locked",
        EndReason.AccountDeleted => "account_deleted",
        _ => throw new ArgumentOutOfRangeException(nameof(reason), reason, null),
    };
}
