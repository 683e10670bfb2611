using System.Globalization;
using System.Threading.RateLimiting;
using Baton.Core;
using Baton.Api.Accounts;
using Baton.Api.Options;
using Baton.Api.Problems;
using Microsoft.AspNetCore.RateLimiting;

namespace Baton.Api.Hosting;

/// <summary>Per-address budgets on the endpoints worth brute-forcing; 429 + Retry-After beyond them.</summary>
internal static class RateLimits
{
    public const string Login = "login";
    public const string Register = "register";
    public const string Refresh = "refresh";

    /// <summary>The wait a rejection names when its limiter gives none.</summary>
    public static readonly TimeSpan DefaultRetryAfter = TimeSpan.FromSeconds(60);

    public static IServiceCollection AddBatonRateLimits(this IServiceCollection services, RateLimitOptions limits)
    {
        return services.AddRateLimiter(options =>
        {
            // ASP.NET Core answers 503 unless told otherwise; a budget is a 429.
            options.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            options.OnRejected = async (context, cancellationToken) =>
            {
                SetRetryAfter(context.HttpContext.Response, context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : DefaultRetryAfter);
                await ApiProblem.Of(ErrorCode.RateLimited).ExecuteAsync(context.HttpContext);
            };
            AddPerAddress(options, Login, limits.LoginPerMinute);
            AddPerAddress(options, Register, limits.RegisterPerMinute);
            AddPerAddress(options, Refresh, limits.RefreshPerMinute);
        });
    }

    /// <summary>
    /// The budget of password checks, taken by <see cref="AccountService"/> on every check whatever
    /// the endpoint: a check needs a permit from its user's window and from its address's window.
    /// Null when <paramref name="perMinute"/> is 0.
    /// </summary>
    public static PartitionedRateLimiter<PasswordAttempt>? PasswordChecks(int perMinute) => perMinute == 0
        ? null
        : PartitionedRateLimiter.CreateChained(
            PartitionedRateLimiter.Create<PasswordAttempt, string>(a => RateLimitPartition.GetSlidingWindowLimiter(a.NormalizedUsername, _ => PerMinute(perMinute))),
            PartitionedRateLimiter.Create<PasswordAttempt, string>(a => RateLimitPartition.GetSlidingWindowLimiter(a.Address ?? "unknown", _ => PerMinute(perMinute))));

    /// <summary>Retry-After in whole seconds, rounded up.</summary>
    public static void SetRetryAfter(HttpResponse response, TimeSpan wait) =>
        response.Headers.RetryAfter = ((long)Math.Ceiling(wait.TotalSeconds)).ToString(CultureInfo.InvariantCulture);

    private static void AddPerAddress(RateLimiterOptions options, string policy, int perMinute) =>
        options.AddPolicy(policy, context => perMinute == 0
            ? RateLimitPartition.GetNoLimiter("unlimited")
            : RateLimitPartition.GetSlidingWindowLimiter(context.Connection.RemoteIpAddress?.ToString() ?? "unknown", _ => PerMinute(perMinute)));

    private static SlidingWindowRateLimiterOptions PerMinute(int permits) => new()
    {
        PermitLimit = permits,
        Window = TimeSpan.FromMinutes(1),
        SegmentsPerWindow = 6,
        QueueLimit = 0,
    };
}
