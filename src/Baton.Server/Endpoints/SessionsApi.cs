using Baton.Server.Auth;
using Baton.Server.Endpoints.Contracts;
using Baton.Server.Sessions;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Baton.Server.Endpoints;

/// <summary>Trusted backends start sessions for their own user ids (API key with <c>sessions:issue</c>).</summary>
internal static class SessionsApi
{
    public static RouteGroupBuilder MapSessionsApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/v1/sessions").WithTags("Sessions").RequireAuthorization(AuthSchemes.IssuePolicy);
        group.MapPost("/", Issue).Validate<IssueSessionRequest>();
        return group;
    }

    public static async Task<Results<Ok<TokenPair>, ProblemHttpResult>> Issue(
        IssueSessionRequest request, HttpContext context, SessionService sessions, RefreshCookies cookies, CancellationToken cancellationToken)
    {
        var started = await sessions.StartAsync(
            request.UserId!, null, [.. request.Roles ?? []], AuthApi.DeviceOf(request.Device), BearerAuthenticationHandler.ClientInfoOf(context), cancellationToken);
        return AuthApi.Issue(started, context, cookies);
    }
}
