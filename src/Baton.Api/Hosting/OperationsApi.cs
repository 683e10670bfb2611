using Baton.Api.Diagnostics;
using Baton.Api.Sessions;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;

namespace Baton.Api.Hosting;

/// <summary>Liveness, readiness and Prometheus metrics for operators and load balancers.</summary>
internal static class OperationsApi
{
    /// <summary>Health checks tagged with this take part in readiness.</summary>
    public const string ReadyTag = "ready";

    public static IServiceCollection AddBatonOperations(this IServiceCollection services)
    {
        services.AddHealthChecks()
            .AddCheck<StoreHealthCheck>("store", tags: [ReadyTag])
            .AddCheck<RevocationFollowerHealthCheck>("revocation-follower", tags: [ReadyTag]);
        services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService("baton"))
            .WithMetrics(metrics => metrics.AddMeter([.. ExportedMeters.Names]).AddPrometheusExporter());
        return services;
    }

    public static IEndpointRouteBuilder MapOperationsApi(this IEndpointRouteBuilder routes)
    {
        // Liveness runs no check: a live process whose store is down must not be restarted for it.
        routes.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false }).WithTags("Operations");
        routes.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = check => check.Tags.Contains(ReadyTag) }).WithTags("Operations");
        routes.MapPrometheusScrapingEndpoint("/metrics").WithTags("Operations");
        return routes;
    }
}

/// <summary>Ready when a grain answers from storage: the path every login and refresh depends on.</summary>
internal sealed class StoreHealthCheck(SessionService sessions) : IHealthCheck
{
    private const string ProbeUserId = "baton:health-probe";

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var probe = await sessions.SummaryAsync(ProbeUserId, cancellationToken);
        return probe.Succeeded ? HealthCheckResult.Healthy() : HealthCheckResult.Unhealthy("The grains cannot reach their storage.");
    }
}

/// <summary>Not ready while the revocation follower is behind: this front then asks a grain for every token (SECURITY.md 35).</summary>
internal sealed class RevocationFollowerHealthCheck(RevokedSessions revoked) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(revoked.IsCurrent
            ? HealthCheckResult.Healthy($"{revoked.Count} ended sessions known.")
            : HealthCheckResult.Unhealthy("The revocation follower is behind."));
}
