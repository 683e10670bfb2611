using System.Security.Claims;
using System.Text.Encodings.Web;
using Baton.Core;
using Baton.Core.Ledgers;
using Baton.Core.Tokens;
using Baton.Api.Sessions;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace Baton.Api.Auth;

/// <summary>
/// Baton's own bearer authentication: the access token's signature and claims, and then the
/// front's set of ended sessions (no grain call per request), so a logout or kick takes effect at
/// once on this front and on others as soon as the revocation feed tells them; while the feed's
/// follower is behind, the session's grain is asked instead. A browser whose access token has expired while its
/// refresh cookie is valid is refreshed silently: the new access token comes back in
/// <c>X-Access-Token</c> and the cookie is rotated.
/// </summary>
internal sealed class BearerAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> schemeOptions,
    ILoggerFactory loggerFactory,
    UrlEncoder encoder,
    SigningKeys keys,
    SessionService sessions,
    RevokedSessions revoked,
    RefreshCookies cookies,
    TimeProvider time)
    : AuthenticationHandler<AuthenticationSchemeOptions>(schemeOptions, loggerFactory, encoder)
{
    public const string AccessTokenHeader = "X-Access-Token";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (!BearerToken.TryRead(Request, out var token))
        {
            return AuthenticateResult.NoResult();
        }

        var now = time.GetUtcNow();
        var verified = keys.Tokens.ValidateAccessToken(token, now);
        if (!verified.Succeeded)
        {
            if (verified.Error == ErrorCode.TokenExpired && cookies.Read(Request) is { } cookie)
            {
                return await RefreshSilentlyAsync(cookie);
            }

            return Fail(verified.Error ?? ErrorCode.InvalidToken, null, verified.Error == ErrorCode.TokenExpired ? "The access token expired." : "The access token is invalid.");
        }

        var claims = verified.Claims;
        if (revoked.TryGetReason(claims.SessionId, out var reason))
        {
            return Fail(ErrorCode.SessionEnded, reason, "The session has ended.");
        }

        if (revoked.IsCurrent)
        {
            // The normal path: a verified token of a session the feed has not ended. No grain call.
            return Success(claims.UserId, claims.SessionId, claims.Username, claims.Roles);
        }

        // The follower is behind: only the session's grain can tell (SECURITY.md 35).
        var check = await sessions.CheckAsync(claims.UserId, claims.SessionId, Context.RequestAborted);
        if (!check.Succeeded)
        {
            return Fail(ErrorCode.Unavailable, null, "The session store is unavailable.");
        }

        return check.Outcome.IsActive
            ? Success(claims.UserId, claims.SessionId, claims.Username ?? check.Outcome.Session.Username, claims.Roles)
            : Fail(check.Outcome.Error ?? ErrorCode.InvalidToken, check.Outcome.Reason, "The session has ended.");
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties) =>
        ProblemWriter.WriteAsync(Context, Context.Features.Get<AuthFailure>() ?? new AuthFailure(ErrorCode.InvalidToken, null, "An access token is required."), bearerChallenge: true);

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) =>
        ProblemWriter.WriteAsync(Context, new AuthFailure(ErrorCode.Forbidden, null, "Not allowed."), bearerChallenge: false);

    private async Task<AuthenticateResult> RefreshSilentlyAsync(string refreshToken)
    {
        var refreshed = await sessions.RefreshAsync(refreshToken, ClientInfoOf(Context), Context.RequestAborted);
        if (refreshed.Pair is not { } pair || refreshed.Session is not { } session)
        {
            if (refreshed.Error != ErrorCode.Unavailable)
            {
                cookies.Expire(Response);
            }

            return Fail(refreshed.Error ?? ErrorCode.InvalidToken, refreshed.Reason, "The access token expired and the session could not be refreshed.");
        }

        cookies.Write(Response, pair.RefreshToken!, pair.RefreshExpiresIn);
        Response.Headers[AccessTokenHeader] = pair.AccessToken;
        Response.Headers.CacheControl = "no-store";
        return Success(refreshed.UserId!, session.Id, session.Username, session.Roles);
    }

    private AuthenticateResult Success(string userId, string sessionId, string? username, IEnumerable<string> roles)
    {
        Context.Features.Set(new AuthenticatedSession(userId, sessionId, username));
        var claims = new List<Claim> { new(BatonClaims.Subject, userId), new(BatonClaims.SessionId, sessionId) };
        claims.AddRange(roles.Select(r => new Claim(BatonClaims.Role, r)));
        var identity = new ClaimsIdentity(claims, Scheme.Name, BatonClaims.Subject, BatonClaims.Role);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), Scheme.Name));
    }

    private AuthenticateResult Fail(ErrorCode code, EndReason? reason, string description)
    {
        Context.Features.Set(new AuthFailure(code, reason, description));
        return AuthenticateResult.Fail(description);
    }

    internal static ClientInfo ClientInfoOf(HttpContext context)
    {
        var agent = context.Request.Headers.UserAgent.ToString();
        return new ClientInfo(context.Connection.RemoteIpAddress?.ToString(), agent.Length == 0 ? null : agent[..Math.Min(agent.Length, 256)]);
    }
}
