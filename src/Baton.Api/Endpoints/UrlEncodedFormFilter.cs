using Baton.Core;
using Baton.Api.Problems;
using Microsoft.AspNetCore.Http.Features;

namespace Baton.Api.Endpoints;

/// <summary>
/// The RFC 7009 and RFC 7662 endpoints take <c>application/x-www-form-urlencoded</c> and nothing
/// else: any other content type is 415, and a malformed or oversized form is 400 before the
/// handler runs. Only after this filter has read the form may a handler use <see cref="HttpRequest.Form"/>.
/// </summary>
internal sealed class UrlEncodedFormFilter : IEndpointFilter
{
    /// <summary>Room for <c>token</c>, <c>token_type_hint</c> and a client's extra parameters, not for a flood of fields.</summary>
    private static readonly FormOptions Limits = new()
    {
        ValueCountLimit = 16,
        KeyLengthLimit = 64,
        ValueLengthLimit = 16 * 1024,
        BufferBody = false,
    };

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var request = context.HttpContext.Request;
        if (!IsUrlEncodedForm(request.ContentType))
        {
            return TypedResults.Problem(
                statusCode: StatusCodes.Status415UnsupportedMediaType,
                title: "Unsupported media type.",
                detail: "Send the parameters as application/x-www-form-urlencoded.",
                extensions: new Dictionary<string, object?> { ["code"] = ErrorCode.InvalidRequest.ToWire() });
        }

        try
        {
            await request.ReadFormAsync(Limits, context.HttpContext.RequestAborted);
        }
        catch (Exception e) when (e is InvalidDataException or BadHttpRequestException)
        {
            // Too many fields, an overlong key or value, or a body that is not a form at all.
            return ApiProblem.Of(ErrorCode.InvalidRequest, "The form is malformed or too large.");
        }

        return await next(context);
    }

    private static bool IsUrlEncodedForm(string? contentType) =>
        Microsoft.Net.Http.Headers.MediaTypeHeaderValue.TryParse(contentType, out var media) &&
        media.MediaType.Equals("application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase);
}
