using Baton.Grains;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using Orleans.Runtime;
using StackExchange.Redis;

namespace Baton.Silo.Hosting;

/// <summary>The silo process of the Redis cluster: the silo, its readiness, its metrics, a graceful stop.</summary>
public static class SiloHost
{
    /// <summary>The log category of the host's own lines.</summary>
    public const string LogCategory = "Baton.Silo";

    /// <summary>Where the silo serves <c>/health</c> and <c>/metrics</c> unless <c>Urls</c> says otherwise: loopback only.</summary>
    public const string DefaultUrls = "http://127.0.0.1:9090";

    /// <summary>
    /// The meters <c>/metrics</c> exports: Orleans' own (grain calls, messaging, membership), the
    /// grains', and .NET's (<c>System.Runtime</c>: CPU time, working set, GC heap; what a silo's
    /// memory per active user is read from).
    /// </summary>
    public static IReadOnlyList<string> ExportedMeters { get; } = ["Microsoft.Orleans", SessionMetrics.MeterName, "System.Runtime"];

    /// <summary>
    /// Configures this process as a cluster silo from <c>Baton:Cluster</c> (which must name a Redis)
    /// and <c>Baton:Silo</c>. SIGTERM stops it gracefully: the silo leaves the membership, its grains
    /// deactivate after their writes finish, and other silos take their users at once.
    /// </summary>
    public static WebApplicationBuilder AddBatonClusterSiloHost(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var cluster = BatonClusterOptions.From(builder.Configuration);
        if (!cluster.Enabled)
        {
            throw new InvalidOperationException($"A Baton silo needs a Redis: set {BatonClusterOptions.SectionName}:Redis (for example Baton__Cluster__Redis=127.0.0.1:6379). Without a cluster, run Baton.Api alone: it hosts its own silo on SQLite.");
        }

        var endpoints = builder.Configuration.GetSection(SiloOptions.SectionName).Get<SiloOptions>() ?? new SiloOptions();
        if (string.IsNullOrEmpty(builder.Configuration[WebHostDefaults.ServerUrlsKey]))
        {
            builder.WebHost.UseUrls(DefaultUrls);
        }

        builder.Services.AddBatonRedis(cluster);
        builder.UseOrleans(silo => silo.AddBatonClusterSilo(endpoints, cluster));
        // A silo with many grains needs longer than the default 30 s only when Redis is slow; say so in the log then.
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(30));
        builder.Services.AddHealthChecks()
            .AddCheck<ActiveMemberHealthCheck>("membership", tags: [ReadyTag])
            .AddCheck<RedisHealthCheck>("redis", tags: [ReadyTag]);
        builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService("baton-silo"))
            .WithMetrics(metrics => metrics.AddMeter([.. ExportedMeters]).AddPrometheusExporter());
        return builder;
    }

    /// <summary>Health checks tagged with this take part in readiness.</summary>
    public const string ReadyTag = "ready";

    /// <summary><c>/health/live</c> (the process answers), <c>/health/ready</c> (an active member that reaches Redis), <c>/metrics</c>.</summary>
    public static IEndpointRouteBuilder MapSiloOperations(this IEndpointRouteBuilder routes)
    {
        routes.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false });
        routes.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = check => check.Tags.Contains(ReadyTag) });
        routes.MapPrometheusScrapingEndpoint("/metrics");
        return routes;
    }
}

/// <summary>Ready once the membership lists this silo as active: before that it takes no grains, and after it is declared dead it must restart.</summary>
internal sealed class ActiveMemberHealthCheck(IClusterMembershipService membership, ILocalSiloDetails silo) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var status = membership.CurrentSnapshot.GetSiloStatus(silo.SiloAddress);
        return Task.FromResult(status == SiloStatus.Active
            ? HealthCheckResult.Healthy($"{membership.CurrentSnapshot.Members.Count(m => m.Value.Status == SiloStatus.Active)} active silos.")
            : HealthCheckResult.Unhealthy($"This silo is {status} in the membership."));
    }
}

/// <summary>Ready while Redis answers: every grain activation and write needs it.</summary>
internal sealed class RedisHealthCheck(IConnectionMultiplexer redis) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            var latency = await redis.GetDatabase().PingAsync().WaitAsync(TimeSpan.FromSeconds(2), cancellationToken);
            return HealthCheckResult.Healthy($"Redis answered in {latency.TotalMilliseconds:0.0} ms.");
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            return HealthCheckResult.Unhealthy("Redis does not answer.", e);
        }
    }
}
