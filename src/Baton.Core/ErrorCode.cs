namespace Baton.Core;

/// <summary>
/// The stable error codes of the HTTP contract (DESIGN.md §5). Clients switch on the wire form
/// (<see cref="ErrorCodes.ToWire(ErrorCode)"/>), so a member is never renamed or reused.
/// </summary>
public enum ErrorCode
{
    /// <summary>The request is malformed or misses a required field.</summary>
    InvalidRequest,
    /// <summary>Unknown username or wrong password (never says which).</summary>
    InvalidCredentials,
    /// <summary>Too many failed logins; the account is locked for a while.</summary>
    AccountLocked,
    /// <summary>Too many requests; retry after the time given.</summary>
    RateLimited,
    /// <summary>A token that is malformed, forged, of the wrong kind, or not recognised.</summary>
    InvalidToken,
    /// <summary>A token that was valid but whose <c>exp</c> has passed.</summary>
    TokenExpired,
    /// <summary>An already rotated refresh token was presented; the session has been ended.</summary>
    RefreshTokenReused,
    /// <summary>The session has ended; the <see cref="EndReason"/> says why.</summary>
    SessionEnded,
    /// <summary>The account is at its session limit and the policy rejects new sessions.</summary>
    SessionLimitReached,
    /// <summary>Authenticated, but not allowed to do this.</summary>
    Forbidden,
    /// <summary>The store is unreachable; retry later.</summary>
    Unavailable,
    /// <summary>A trusted backend asked for a session for an id that belongs to a local account.</summary>
    UserIdTaken,
}

/// <summary>Wire forms of <see cref="ErrorCode"/>.</summary>
public static class ErrorCodes
{
    /// <summary>The snake_case code that appears in problem details.</summary>
    public static string ToWire(this ErrorCode code) => code switch
    {
        ErrorCode.InvalidRequest => "invalid_request",
        ErrorCode.InvalidCredentials => "invalid_credentials",
        ErrorCode.AccountLocked => "account_locked",
        ErrorCode.RateLimited => "rate_limited",
        ErrorCode.InvalidToken => "invalid_token",
        ErrorCode.TokenExpired => "token_expired",
        ErrorCode.RefreshTokenReused => "refresh_token_reused",
        ErrorCode.SessionEnded => "session_ended",
        ErrorCode.SessionLimitReached => "session_limit_reached",
        ErrorCode.Forbidden => "forbidden",
        ErrorCode.Unavailable => "unavailable",
        ErrorCode.UserIdTaken => "user_id_taken",
        _ => throw new ArgumentOutOfRangeException(nameof(code), code, null),
    };
}
