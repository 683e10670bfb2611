using Baton.Core;
using Baton.Core.Ledgers;
using Baton.Core.Users;
using Baton.Api.Accounts;
using Baton.Api.Auth;
using Baton.Api.Endpoints.Contracts;
using Baton.Api.Problems;
using Baton.Api.Sessions;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Baton.Api.Endpoints;

/// <summary>The signed-in user: who am I, my devices, sign one out, change my password.</summary>
internal static class MeApi
{
    public static RouteGroupBuilder MapMeApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/v1/me").WithTags("Me").RequireAuthorization(AuthSchemes.UserPolicy).ValidateRouteIds();
        group.MapGet("/", Me);
        group.MapGet("/sessions", MySessions);
        group.MapDelete("/sessions/{sessionId}", RevokeMySession);
        group.MapPost("/password", ChangePassword).Validate<ChangePasswordRequest>();
        return group;
    }

    /// <summary>Answered from the verified access token (its <c>preferred_username</c>): no grain call.</summary>
    public static Ok<MeView> Me(HttpContext context)
    {
        var principal = context.User;
        var username = context.Features.Get<AuthenticatedSession>()?.Username;
        var roles = principal.FindAll(BatonClaims.Role).Select(c => c.Value).ToArray();
        return TypedResults.Ok(new MeView(principal.UserId(), username, roles, principal.SessionIdOf()));
    }

    public static async Task<Results<Ok<SessionView[]>, ProblemHttpResult>> MySessions(HttpContext context, SessionService sessions, TimeProvider time, CancellationToken cancellationToken)
    {
        var ledger = await sessions.ListAsync(context.User.UserId(), cancellationToken);
        if (!ledger.Succeeded)
        {
            return ApiProblem.Of(ErrorCode.Unavailable);
        }

        var current = context.User.SessionIdOf();
        var now = time.GetUtcNow();
        return TypedResults.Ok(ledger.Outcome.Sessions
            .Where(s => s.IsActiveAt(now))
            .Select(s => SessionView.Of(s, current))
            .ToArray());
    }

    public static async Task<Results<NoContent, ProblemHttpResult>> RevokeMySession(
        string sessionId, HttpContext context, SessionService sessions, CancellationToken cancellationToken)
    {
        var result = await sessions.EndAsync(context.User.UserId(), sessionId, EndReason.Revoked, BearerAuthenticationHandler.ClientInfoOf(context), cancellationToken);
        if (!result.Succeeded)
        {
            return ApiProblem.Of(ErrorCode.Unavailable);
        }

        return result.Outcome.Status == EndStatus.UnknownSession
            ? ApiProblem.NotFound("No such session.")
            : TypedResults.NoContent();
    }

    public static async Task<Results<NoContent, ProblemHttpResult>> ChangePassword(
        ChangePasswordRequest request, HttpContext context, AccountService accounts, SessionService sessions, ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        var user = context.User;
        var client = BearerAuthenticationHandler.ClientInfoOf(context);
        var check = await accounts.ChangePasswordAsync(user.UserId(), request.CurrentPassword!, request.NewPassword!, client.IpAddress, cancellationToken);
        if (check.User is null)
        {
            var logger = loggers.CreateLogger(Log.Category);
            Log.PasswordChangeRefused(logger, check.Error!.Value.ToWire());
            if (check.ReachedLockout)
            {
                // Its guesses locked the account: end this session (only this one, as failed
                // logins sign no one out), so that a stolen access token cannot guess on once
                // the lockout is over.
                var ended = await sessions.EndAsync(user.UserId(), user.SessionIdOf(), EndReason.AccountLocked, client, cancellationToken);
                if (!ended.Succeeded)
                {
                    return ApiProblem.Of(ErrorCode.Unavailable);
                }

                Log.GuessingSessionEnded(logger, user.UserId(), user.SessionIdOf());
            }

            return AuthApi.PasswordRefused(check, context, check.Error == ErrorCode.InvalidCredentials ? "The current password is wrong." : null);
        }

        var others = await sessions.EndAllAsync(user.UserId(), EndReason.PasswordChanged, user.SessionIdOf(), client, cancellationToken);
        return others.Succeeded ? TypedResults.NoContent() : ApiProblem.Of(ErrorCode.Unavailable, "The password changed, but the other sessions could not be ended yet; retry.");
    }
}

public sealed record MeView(string Id, string? Username, IReadOnlyList<string> Roles, string SessionId);
