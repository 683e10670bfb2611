using Baton.Core;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Baton.Api.Problems;

/// <summary>
/// RFC 9457 problem responses that always carry the stable <c>code</c> of DESIGN.md §5 (and
/// <c>reason</c> for ended sessions), so clients switch on the code, never on the text.
/// </summary>
internal static class ApiProblem
{
    public static int StatusFor(ErrorCode code) => code switch
    {
        ErrorCode.InvalidRequest => StatusCodes.Status400BadRequest,
        ErrorCode.InvalidCredentials => StatusCodes.Status401Unauthorized,
        ErrorCode.AccountLocked => StatusCodes.Status403Forbidden,
        ErrorCode.RateLimited => StatusCodes.Status429TooManyRequests,
        ErrorCode.InvalidToken or ErrorCode.TokenExpired or ErrorCode.RefreshTokenReused or ErrorCode.SessionEnded => StatusCodes.Status401Unauthorized,
        ErrorCode.SessionLimitReached or ErrorCode.UserIdTaken => StatusCodes.Status409Conflict,
        ErrorCode.Forbidden => StatusCodes.Status403Forbidden,
        ErrorCode.Unavailable => StatusCodes.Status503ServiceUnavailable,
        ErrorCode.UnknownProvider => StatusCodes.Status404NotFound,
        ErrorCode.ProviderDisabled or ErrorCode.ProviderDenied or ErrorCode.IdentityNotLinked => StatusCodes.Status403Forbidden,
        ErrorCode.InvalidState or ErrorCode.InvalidCode => StatusCodes.Status400BadRequest,
        ErrorCode.ProviderFailed => StatusCodes.Status502BadGateway,
        ErrorCode.IdentityTaken or ErrorCode.ProviderAlreadyLinked or ErrorCode.LastSignInMethod => StatusCodes.Status409Conflict,
        _ => StatusCodes.Status500InternalServerError,
    };

    public static ProblemHttpResult Of(ErrorCode code, string? detail = null, EndReason? reason = null)
    {
        var extensions = new Dictionary<string, object?> { ["code"] = code.ToWire() };
        if (reason is { } r)
        {
            extensions["reason"] = r.ToWire();
        }

        return TypedResults.Problem(detail: detail ?? DefaultDetail(code, reason), statusCode: StatusFor(code), title: TitleFor(code), extensions: extensions);
    }

    public static ProblemHttpResult NotFound(string detail) =>
        TypedResults.Problem(detail: detail, statusCode: StatusCodes.Status404NotFound, title: "Not found.", extensions: new Dictionary<string, object?> { ["code"] = "not_found" });

    public static ProblemHttpResult Validation(IDictionary<string, string[]> errors) =>
        TypedResults.Problem(new HttpValidationProblemDetails(errors)
        {
            Status = StatusCodes.Status400BadRequest,
            Title = TitleFor(ErrorCode.InvalidRequest),
            Detail = "The request has invalid fields.",
            Extensions = { ["code"] = ErrorCode.InvalidRequest.ToWire() },
        });

    /// <summary>The code for a response that reached the problem details writer without one (framework-made 400, 404, 413, 415, ...).</summary>
    /// <summary>
    /// Every 401 carries a challenge (RFC 9110 §15.5.2): RFC 6750's <c>invalid_token</c> when a
    /// token was refused, a bare <c>Bearer</c> when credentials were.
    /// </summary>
    public static void AddChallenge(HttpResponse response, string? code)
    {
        if (response.StatusCode == StatusCodes.Status401Unauthorized && !response.Headers.ContainsKey("WWW-Authenticate"))
        {
            response.Headers.WWWAuthenticate = code == ErrorCode.InvalidCredentials.ToWire()
                ? "Bearer realm=\"baton\""
                : $"Bearer realm=\"baton\", error=\"invalid_token\", error_description=\"{code}\"";
        }
    }

    public static string CodeForStatus(int status) => status switch
    {
        StatusCodes.Status401Unauthorized => ErrorCode.InvalidToken.ToWire(),
        StatusCodes.Status403Forbidden => ErrorCode.Forbidden.ToWire(),
        StatusCodes.Status404NotFound => "not_found",
        StatusCodes.Status405MethodNotAllowed => "method_not_allowed",
        StatusCodes.Status429TooManyRequests => ErrorCode.RateLimited.ToWire(),
        StatusCodes.Status503ServiceUnavailable => ErrorCode.Unavailable.ToWire(),
        >= 500 => "internal_error",
        _ => ErrorCode.InvalidRequest.ToWire(),
    };

    private static string TitleFor(ErrorCode code) => code switch
    {
        ErrorCode.InvalidRequest => "The request is invalid.",
        ErrorCode.InvalidCredentials => "The username or password is wrong.",
        ErrorCode.AccountLocked => "The account is locked.",
        ErrorCode.RateLimited => "Too many requests.",
        ErrorCode.InvalidToken => "The token is invalid.",
        ErrorCode.TokenExpired => "The token has expired.",
        ErrorCode.RefreshTokenReused => "The refresh token was already used; the session has ended.",
        ErrorCode.SessionEnded => "The session has ended.",
        ErrorCode.SessionLimitReached => "The account is at its session limit.",
        ErrorCode.Forbidden => "Not allowed.",
        ErrorCode.Unavailable => "The service is temporarily unavailable.",
        ErrorCode.UserIdTaken => "The user id belongs to a local account.",
        ErrorCode.UnknownProvider => "No such sign-in provider.",
        ErrorCode.ProviderDisabled => "This sign-in provider is disabled.",
        ErrorCode.InvalidState => "The sign-in's state is missing, expired or not this browser's; start again.",
        ErrorCode.ProviderDenied => "The provider refused the sign-in.",
        ErrorCode.ProviderFailed => "The provider's answer could not be used.",
        ErrorCode.IdentityNotLinked => "This external identity is linked to no account.",
        ErrorCode.IdentityTaken => "This external identity is linked to another account.",
        ErrorCode.ProviderAlreadyLinked => "An identity of this provider is already linked.",
        ErrorCode.LastSignInMethod => "This is the account's last way to sign in.",
        ErrorCode.InvalidCode => "The sign-in code is unknown, expired or already used.",
        _ => "Error.",
    };

    private static string DefaultDetail(ErrorCode code, EndReason? reason) => (code, reason) switch
    {
        (ErrorCode.SessionEnded, EndReason.Replaced) => "You were signed out because you signed in on another device.",
        (ErrorCode.SessionEnded, EndReason.Kicked) => "You were signed out by an administrator.",
        (ErrorCode.SessionEnded, EndReason.Logout) => "You signed out of this session.",
        (ErrorCode.SessionEnded, EndReason.Revoked) => "This session was revoked.",
        (ErrorCode.SessionEnded, EndReason.ReuseDetected) => "This session was ended because an old refresh token was used again.",
        (ErrorCode.SessionEnded, EndReason.PasswordChanged) => "You were signed out because the password was changed.",
        (ErrorCode.SessionEnded, EndReason.Expired) => "The session has expired; sign in again.",
        (ErrorCode.SessionEnded, EndReason.AccountLocked) => "You were signed out because the account was locked.",
        (ErrorCode.SessionEnded, EndReason.AccountDeleted) => "You were signed out because the account was deleted.",
        _ => TitleFor(code),
    };
}
