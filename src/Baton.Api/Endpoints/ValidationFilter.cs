using Baton.Api.Endpoints.Contracts;
using Baton.Api.Options;
using Baton.Api.Problems;
using Microsoft.Extensions.Options;

namespace Baton.Api.Endpoints;

/// <summary>Answers 400 with field errors before the handler runs when a request body is invalid or missing.</summary>
internal sealed class ValidationFilter<TRequest>(IOptions<AccountOptions> limits) : IEndpointFilter
    where TRequest : class, IValidatedRequest
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var errors = new FieldErrors();
        var request = context.Arguments.OfType<TRequest>().FirstOrDefault();
        if (request is null)
        {
            errors.Add("body", "A JSON body is required.");
        }
        else
        {
            request.Validate(errors, limits.Value);
        }

        return errors.Any ? ApiProblem.Validation(errors.ToDictionary()) : await next(context);
    }
}

internal static class ValidationFilterExtensions
{
    public static RouteHandlerBuilder Validate<TRequest>(this RouteHandlerBuilder builder)
        where TRequest : class, IValidatedRequest =>
        builder.AddEndpointFilter<ValidationFilter<TRequest>>();
}
