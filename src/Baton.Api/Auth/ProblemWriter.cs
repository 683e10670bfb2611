using Baton.Core;
using Baton.Api.Problems;

namespace Baton.Api.Auth;

/// <summary>Writes authentication failures as problem+json with the RFC 6750 challenge header.</summary>
internal static class ProblemWriter
{
    public static async Task WriteAsync(HttpContext context, AuthFailure failure, bool bearerChallenge)
    {
        var response = context.Response;
        if (response.HasStarted)
        {
            return;
        }

        var status = ApiProblem.StatusFor(failure.Code);
        if (status == StatusCodes.Status401Unauthorized && bearerChallenge)
        {
            response.Headers.WWWAuthenticate = $"Bearer error=\"invalid_token\", error_description=\"{failure.Description}\"";
        }

        if (status == StatusCodes.Status503ServiceUnavailable)
        {
            response.Headers.RetryAfter = "1";
        }

        response.Headers.CacheControl = "no-store";
        await ApiProblem.Of(failure.Code, reason: failure.Reason).ExecuteAsync(context);
    }
}
