namespace Baton.Client;

/// <summary>The stable <c>code</c> values of Baton's problem responses that a client acts on.</summary>
public static class BatonErrorCodes
{
    /// <summary>The token is malformed, forged, unknown or of the wrong kind.</summary>
    public const string InvalidToken = "invalid_token";

    /// <summary>The access token expired: refresh and try again.</summary>
    public const string TokenExpired = "token_expired";

    /// <summary>A rotated refresh token came back: the session has ended (reason <c>reuse_detected</c>).</summary>
    public const string RefreshTokenReused = "refresh_token_reused";

    /// <summary>The session has ended; the problem's <c>reason</c> says why (<c>kicked</c>, <c>replaced</c>, ...).</summary>
    public const string SessionEnded = "session_ended";
}
