using System.Security.Claims;
using System.Text.Encodings.Web;
using Baton.Core;
using Baton.Core.Ledgers;
using Baton.Core.Tokens;
using Baton.Server.Sessions;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace Baton.Server.Auth;

/// <summary>
/// Baton's own bearer authentication: the access token's signature and claims, and then the
/// user's ledger, so a logout or kick takes effect at once on this node (and on other nodes as
/// soon as the change feed tells them). A browser whose access token has expired while its
/// refresh cookie is valid is refreshed silently: the new access token comes back in
/// <c>X-Access-Token</c> and the cookie is rotated.
/// </summary>
internal sealed class BearerAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> schemeOptions,
    ILoggerFactory loggerFactory,
    UrlEncoder encoder,
    SigningKeys keys,
    SessionService sessions,
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
        var ledger = await sessions.Engine.ReadAsync(claims.UserId, Context.RequestAborted);
        if (!ledger.Succeeded)
        {
            return Fail(ErrorCode.Unavailable, null, "The session store is unavailable.");
        }

        var check = ledger.Outcome.Check(claims.SessionId, now);
        if (ledger.Outcome.Find(claims.SessionId) is null)
        {
            // A validly signed token of a session this copy does not know: the session may have
            // started on another node after this copy was cached. Ask the store before refusing.
            ledger = await sessions.Engine.ReadFreshAsync(claims.UserId, Context.RequestAborted);
            if (!ledger.Succeeded)
            {
                return Fail(ErrorCode.Unavailable, null, "The session store is unavailable.");
            }

            check = ledger.Outcome.Check(claims.SessionId, now);
        }

        return check.IsActive
            ? Success(claims.UserId, check.Session!, claims.Roles)
            : Fail(check.Error ?? ErrorCode.InvalidToken, check.Reason, "The session has ended.");
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
        return Success(refreshed.UserId!, session, session.Roles);
    }

    private AuthenticateResult Success(string userId, Session session, IEnumerable<string> roles)
    {
        var sessionId = session.Id;
        Context.Features.Set(new AuthenticatedSession(userId, session));
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
