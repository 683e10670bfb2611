using Baton.Core;
using Baton.Api.Options;
using Baton.Api.Problems;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;

namespace Baton.Api.Hosting;

/// <summary>
/// Cheap checks every request passes before anything else runs: no tokens in the query string
/// (they end up in logs and proxies), bodies within the size limit, and the headers every answer
/// carries (no caching of personal data and tokens, no sniffing or framing, Retry-After on every 503).
/// </summary>
internal sealed class RequestGuardMiddleware(RequestDelegate next, IOptions<HttpLimitOptions> limits)
{
    private static readonly string[] TokenParameters = ["access_token", "refresh_token", "token", "id_token"];

    public async Task InvokeAsync(HttpContext context)
    {
        var response = context.Response;
        response.OnStarting(static state =>
        {
            var r = (HttpResponse)state;
            if (!r.Headers.ContainsKey("Cache-Control"))
            {
                r.Headers.CacheControl = "no-store";
            }

            // Nothing Baton answers is meant to be sniffed as another type or framed by any page.
            r.Headers.XContentTypeOptions = "nosniff";
            if (!r.Headers.ContainsKey("Content-Security-Policy"))
            {
                r.Headers.ContentSecurityPolicy = "default-src 'none'; frame-ancestors 'none'";
            }

            if (r.StatusCode == StatusCodes.Status503ServiceUnavailable && !r.Headers.ContainsKey("Retry-After"))
            {
                r.Headers.RetryAfter = "1";
            }

            return Task.CompletedTask;
        }, response);

        var request = context.Request;
        if (TokenParameters.Any(request.Query.ContainsKey))
        {
            await ApiProblem.Of(ErrorCode.InvalidRequest, "Tokens are not accepted in the URL; send them in the Authorization header or the body.").ExecuteAsync(context);
            return;
        }

        var max = limits.Value.MaxRequestBodyBytes;
        if (request.ContentLength > max)
        {
            response.StatusCode = StatusCodes.Status413PayloadTooLarge;
            await TypedResults.Problem(statusCode: StatusCodes.Status413PayloadTooLarge, title: "The request body is too large.",
                detail: $"At most {max} bytes.", extensions: new Dictionary<string, object?> { ["code"] = ErrorCode.InvalidRequest.ToWire() }).ExecuteAsync(context);
            return;
        }

        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } bodyLimit)
        {
            bodyLimit.MaxRequestBodySize = max;
        }

        await next(context);
    }
}
