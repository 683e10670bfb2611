using Baton.Core;
using Baton.Api.Diagnostics;
using Baton.Api.Problems;
using Baton.Api.Sessions;
using Microsoft.AspNetCore.Diagnostics;

namespace Baton.Api.Hosting;

/// <summary>
/// An outage that surfaces as an exception anywhere in a request (a grain or store call outside
/// <see cref="Sessions.SessionService"/>'s own mapping) answers 503 + Retry-After, never 500 (I7);
/// which failures are outages is <see cref="GrainFailures"/>'s one rule.
/// </summary>
internal sealed class StoreExceptionHandler(ILogger<StoreExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (!GrainFailures.IsUnavailable(exception))
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
