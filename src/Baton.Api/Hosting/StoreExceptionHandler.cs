using Baton.Core;
using Baton.Core.Storage;
using Baton.Api.Diagnostics;
using Baton.Api.Problems;
using Microsoft.AspNetCore.Diagnostics;

namespace Baton.Api.Hosting;

/// <summary>A store outage that surfaces as an exception (account reads) answers 503 + Retry-After, never 500 (I7).</summary>
internal sealed class StoreExceptionHandler(ILogger<StoreExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is not StoreUnavailableException)
        {
            if (exception is not BadHttpRequestException)
            {
                Log.Unhandled(logger, LogText.Escape(httpContext.Request.Path.Value), exception);
            }

            return false;
        }

        Log.StoreUnavailable(logger, LogText.Escape(httpContext.Request.Path.Value), exception);
        httpContext.Response.Headers.RetryAfter = "1";
        await ApiProblem.Of(ErrorCode.Unavailable).ExecuteAsync(httpContext);
        return true;
    }
}
