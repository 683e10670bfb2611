using Baton.Api.Endpoints.Contracts;
using Baton.Api.Problems;

namespace Baton.Api.Endpoints;

/// <summary>
/// Ids in the route (<c>{userId}</c>, <c>{sessionId}</c>) follow the same rule as ids in bodies:
/// printable ASCII without spaces, at most 128 characters (SECURITY.md 48). Anything else is 400
/// before a handler, a grain or a log line sees it; a percent-encoded line break cannot forge a log line.
/// </summary>
internal sealed class RouteIdFilter : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var errors = new FieldErrors();
        foreach (var (name, value) in context.HttpContext.Request.RouteValues)
        {
            if (value is string id)
            {
                errors.Identifier(name, id);
            }
        }

        return errors.Any ? ApiProblem.Validation(errors.ToDictionary()) : await next(context);
    }
}

internal static class RouteIdFilterExtensions
{
    /// <summary>Checks every id in the routes of <paramref name="group"/> (<see cref="RouteIdFilter"/>).</summary>
    public static RouteGroupBuilder ValidateRouteIds(this RouteGroupBuilder group) => group.AddEndpointFilter<RouteIdFilter>();
}
