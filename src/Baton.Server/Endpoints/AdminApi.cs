using Baton.Core;
using Baton.Core.Ledgers;
using Baton.Server.Auth;
using Baton.Server.Endpoints.Contracts;
using Baton.Server.Problems;
using Baton.Server.Sessions;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Baton.Server.Endpoints;

/// <summary>Any user's sessions, for the admin role or an API key with <c>sessions:admin</c>.</summary>
internal static class AdminApi
{
    public static RouteGroupBuilder MapAdminApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/v1/admin/users/{userId}").WithTags("Admin").RequireAuthorization(AuthSchemes.AdminPolicy);
        group.MapGet("/sessions", ListSessions);
        group.MapPost("/kick", Kick);
        group.MapDelete("/sessions/{sessionId}", RevokeSession);
        return group;
    }

    /// <summary>Active and recently ended sessions, with why they ended.</summary>
    public static async Task<Results<Ok<SessionView[]>, ProblemHttpResult>> ListSessions(string userId, SessionService sessions, CancellationToken cancellationToken)
    {
        var ledger = await sessions.Engine.ReadAsync(userId, cancellationToken);
        return ledger.Succeeded
            ? TypedResults.Ok(ledger.Outcome.Sessions.Select(s => SessionView.Of(s, null)).ToArray())
            : ApiProblem.Of(ErrorCode.Unavailable);
    }

    /// <summary>Ends every session of the user (reason <c>kicked</c>).</summary>
    public static async Task<Results<Ok<KickResult>, ProblemHttpResult>> Kick(string userId, HttpContext context, SessionService sessions, ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        var result = await sessions.EndAllAsync(userId, EndReason.Kicked, null, BearerAuthenticationHandler.ClientInfoOf(context), cancellationToken);
        if (!result.Succeeded)
        {
            return ApiProblem.Of(ErrorCode.Unavailable);
        }

        Log.UserKicked(loggers.CreateLogger(Log.Category), userId, result.Outcome.Ended.Length);
        return TypedResults.Ok(new KickResult(result.Outcome.Ended.Length));
    }

    public static async Task<Results<NoContent, ProblemHttpResult>> RevokeSession(string userId, string sessionId, HttpContext context, SessionService sessions, CancellationToken cancellationToken)
    {
        var result = await sessions.EndAsync(userId, sessionId, EndReason.Revoked, BearerAuthenticationHandler.ClientInfoOf(context), cancellationToken);
        if (!result.Succeeded)
        {
            return ApiProblem.Of(ErrorCode.Unavailable);
        }

        return result.Outcome.Status == EndStatus.UnknownSession ? ApiProblem.NotFound("No such session.") : TypedResults.NoContent();
    }
}

public sealed record KickResult(int Ended);
