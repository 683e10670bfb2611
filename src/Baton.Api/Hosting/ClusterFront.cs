using Baton.Core.Audit;
using Baton.Core.Ledgers;
using Baton.Core.Users;
using Baton.Core.Storage;
using Baton.Grains;
using Baton.Silo;
using Baton.Api.Sessions;
using Baton.Storage.Redis;

namespace Baton.Api.Hosting;

/// <summary>
/// An API front of the Redis cluster (DESIGN.md §2): stateless, any number behind a load balancer.
/// It is an Orleans client of the silos, or, with <see cref="BatonClusterOptions.CoHostSilo"/>, hosts
/// a cluster silo itself (one process per node). Either way it reads the event log on Redis: it
/// follows the revocation stream into its revoked set, woken by the stream's notices, and serves
/// <c>/v1/revocations</c> and the audit log from it.
/// </summary>
internal static class ClusterFront
{
    public static WebApplicationBuilder AddClusterFront(this WebApplicationBuilder builder, BatonClusterOptions cluster)
    {
        var services = builder.Services;
        services.AddBatonRedis(cluster);
        services.AddSingleton<ISigningKeyStore, KeyRingStore>();
        services.AddHostedService<RevocationNotices>();
        if (cluster.CoHostSilo)
        {
            var endpoints = builder.Configuration.GetSection(SiloOptions.SectionName).Get<SiloOptions>() ?? new SiloOptions();
            // Before the silo's own registration, which keeps it: this front learns of its grains' kicks at once.
            services.AddSingleton<IEventLog>(sp => new LocalRevocations(
                sp.GetRequiredService<RedisEventLog>(), sp.GetRequiredService<RevokedSessions>(), sp.GetRequiredService<RevocationWatcher>()));
            builder.UseOrleans(silo => silo.AddBatonClusterSilo(endpoints, cluster));
            services.AddKeyedSingleton<TimeProvider>(BatonGrainsSiloBuilderExtensions.ClockKey, (sp, _) => sp.GetRequiredService<TimeProvider>());
        }
        else
        {
            builder.UseOrleansClient(client => client.AddBatonClusterClient(cluster));
            // The silos decide with these; this front reads them too (lifetimes for cookies and answers).
            services.AddOptions<SessionPolicy>().BindConfiguration(SessionPolicy.SectionName);
            services.AddOptions<LockoutPolicy>().BindConfiguration(LockoutPolicy.SectionName);
        }

        return builder;
    }
}
