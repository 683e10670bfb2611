using Baton.Core;
using Baton.Api.Accounts;
using Baton.Api.Auth;
using Baton.Api.Endpoints.Contracts;
using Baton.Api.Problems;
using Baton.Api.Sessions;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Baton.Api.Endpoints;

/// <summary>Trusted backends start sessions for their own user ids (API key with <c>sessions:issue</c>).</summary>
internal static class SessionsApi
{
    public static RouteGroupBuilder MapSessionsApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/v1/sessions").WithTags("Sessions").RequireAuthorization(AuthSchemes.IssuePolicy);
        group.MapPost("/", Issue).Validate<IssueSessionRequest>();
        return group;
    }

    /// <summary>
    /// The key's scope is to start sessions, not to grant Baton's own powers: it sets no reserved
    /// role, and it cannot sign in as (or sign out) a local account, whose ids share the namespace.
    /// </summary>
    public static async Task<Results<Ok<TokenPair>, ProblemHttpResult>> Issue(
        IssueSessionRequest request, HttpContext context, AccountService accounts, SessionService sessions, RefreshCookies cookies, CancellationToken cancellationToken)
    {
        var roles = request.Roles ?? [];
        if (roles.Any(Roles.IsReserved))
        {
            return ApiProblem.Of(ErrorCode.Forbidden, "The roles include one that Baton reserves for itself (such as admin); an API key cannot grant it.");
        }

        if (await accounts.FindAsync(request.UserId!, cancellationToken) is not null)
        {
            return ApiProblem.Of(ErrorCode.UserIdTaken, "This id belongs to a local account; a trusted backend starts sessions only for its own user ids.");
        }

        var started = await sessions.StartAsync(
            request.UserId!, null, [.. roles], AuthApi.DeviceOf(request.Device), BearerAuthenticationHandler.ClientInfoOf(context), cancellationToken);
        return AuthApi.Issue(started, context, cookies);
    }
}
