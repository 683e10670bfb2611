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
    /// <summary>No external sign-in provider of that name is configured.</summary>
    UnknownProvider,
    /// <summary>The external sign-in provider is configured but disabled.</summary>
    ProviderDisabled,
    /// <summary>An external sign-in's callback came without its flow cookie, or with a state that is not that flow's.</summary>
    InvalidState,
    /// <summary>The provider refused the sign-in (its <c>error</c> parameter, e.g. <c>access_denied</c>).</summary>
    ProviderDenied,
    /// <summary>The provider's token or profile endpoint failed, timed out, or answered something unusable.</summary>
    ProviderFailed,
    /// <summary>The external identity is linked to no user and the provider does not create users.</summary>
    IdentityNotLinked,
    /// <summary>The external identity is linked to another user.</summary>
    IdentityTaken,
    /// <summary>The user already has an identity of this provider linked.</summary>
    ProviderAlreadyLinked,
    /// <summary>The identity is the user's last way to sign in (no password, no other identity).</summary>
    LastSignInMethod,
    /// <summary>A one-time sign-in code that is unknown, expired or already used.</summary>
    InvalidCode,
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
        ErrorCode.UnknownProvider => "unknown_provider",
        ErrorCode.ProviderDisabled => "provider_disabled",
        ErrorCode.InvalidState => "invalid_state",
        ErrorCode.ProviderDenied => "provider_denied",
        ErrorCode.ProviderFailed => "provider_failed",
        ErrorCode.IdentityNotLinked => "identity_not_linked",
        ErrorCode.IdentityTaken => "identity_taken",
        ErrorCode.ProviderAlreadyLinked => "provider_already_linked",
        ErrorCode.LastSignInMethod => "last_sign_in_method",
        ErrorCode.InvalidCode => "invalid_code",
        _ => throw new ArgumentOutOfRangeException(nameof(code), code, null),
    };
}
