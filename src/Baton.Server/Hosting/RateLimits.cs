using System.Globalization;
using System.Threading.RateLimiting;
using Baton.Core;
using Baton.Server.Options;
using Baton.Server.Problems;
using Microsoft.AspNetCore.RateLimiting;

namespace Baton.Server.Hosting;

/// <summary>Per-address budgets on the endpoints worth brute-forcing; 429 + Retry-After beyond them.</summary>
internal static class RateLimits
{
    public const string Login = "login";
    public const string Register = "register";
    public const string Refresh = "refresh";

    public static IServiceCollection AddBatonRateLimits(this IServiceCollection services, RateLimitOptions limits)
    {
        return services.AddRateLimiter(options =>
        {
            // ASP.NET Core answers 503 unless told otherwise; a budget is a 429.
            options.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            options.OnRejected = async (context, cancellationToken) =>
            {
                var retryAfter = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromSeconds(60);
                context.HttpContext.Response.Headers.RetryAfter = ((long)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
                await ApiProblem.Of(ErrorCode.RateLimited).ExecuteAsync(context.HttpContext);
            };
            AddPerAddress(options, Login, limits.LoginPerMinute);
            AddPerAddress(options, Register, limits.RegisterPerMinute);
            AddPerAddress(options, Refresh, limits.RefreshPerMinute);
        });
    }

    private static void AddPerAddress(RateLimiterOptions options, string policy, int perMinute) =>
        options.AddPolicy(policy, context => perMinute == 0
            ? RateLimitPartition.GetNoLimiter("unlimited")
            : RateLimitPartition.GetSlidingWindowLimiter(
                context.Connection.RemoteIpAddress?.ToString() ?? "unknown",
                _ => new SlidingWindowRateLimiterOptions
                {
                    PermitLimit = perMinute,
                    Window = TimeSpan.FromMinutes(1),
                    SegmentsPerWindow = 6,
                    QueueLimit = 0,
                }));
}
