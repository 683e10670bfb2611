using Baton.Core.Engine;
using Baton.Server.Diagnostics;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;

namespace Baton.Server.Hosting;

/// <summary>Liveness, readiness and Prometheus metrics for operators and load balancers.</summary>
internal static class OperationsApi
{
    /// <summary>Health checks tagged with this take part in readiness.</summary>
    public const string ReadyTag = "ready";

    public static IServiceCollection AddBatonOperations(this IServiceCollection services)
    {
        services.AddHealthChecks().AddCheck<StoreHealthCheck>("store", tags: [ReadyTag]);
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

/// <summary>Ready when the store answers a ledger read, the operation every request depends on.</summary>
internal sealed class StoreHealthCheck(ILedgerStore store) : IHealthCheck
{
    private const string ProbeUserId = "baton:health-probe";

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await store.LoadAsync(ProbeUserId, cancellationToken);
            return HealthCheckResult.Healthy();
        }
        catch (StoreUnavailableException e)
        {
            return HealthCheckResult.Unhealthy("The store is unavailable.", e);
        }
    }
}
