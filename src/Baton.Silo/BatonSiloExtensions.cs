using System.Net;
using System.Net.Sockets;
using Baton.Core.Audit;
using Baton.Grains;
using Baton.Storage.Redis;
using Baton.Storage.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using StackExchange.Redis;

namespace Baton.Silo;

/// <summary>
/// How a Baton silo is built (STYLE.md: one extension per role, used by every host): the embedded
/// default on SQLite, or a cluster silo on Redis; and how a client (an API front) joins that cluster.
/// </summary>
public static class BatonSiloExtensions
{
    /// <summary>The Orleans service id: grain state written under it stays readable by any cluster of Baton.</summary>
    public const string ServiceId = "baton";

    /// <summary>The grain storage providers Baton's grains name in their <c>[PersistentState]</c>.</summary>
    public static IReadOnlyList<string> StorageNames { get; } = ["sessions", "accounts", "keys"];

    /// <summary>
    /// The embedded default (DESIGN.md §2): one silo on localhost clustering, its port on loopback
    /// only and no gateway unless configured (SECURITY.md 42: anything that reaches either can call
    /// any grain), Baton's grains, and their state in the SQLite file of <see cref="SqliteStoreOptions"/>.
    /// </summary>
    public static ISiloBuilder AddBatonEmbeddedSilo(this ISiloBuilder silo, SiloOptions options)
    {
        ArgumentNullException.ThrowIfNull(silo);
        ArgumentNullException.ThrowIfNull(options);
        silo.UseLocalhostClustering(options.SiloPort ?? FreeLoopbackPort(), options.GatewayPort ?? 0, serviceId: ServiceId, clusterId: "baton-embedded");
        silo.AddBatonGrains();
        foreach (var name in StorageNames)
        {
            silo.AddSqliteGrainStorage(name);
        }

        return silo;
    }

    /// <summary>
    /// A silo of the Redis cluster (DESIGN.md §2, §7): membership in Redis, its ports bound to
    /// <see cref="SiloOptions.Address"/> only, the failure detector tuned by
    /// <see cref="BatonClusterOptions.Membership"/>, Baton's grains with their state in Redis
    /// (Orleans' provider: one hash per grain, every write checked against its ETag, never an
    /// <c>EntryExpiry</c>, which would let a second activation start from nothing), and the event log
    /// on Redis Streams. Everything shares the one multiplexer of <see cref="AddBatonRedis"/>, which
    /// the host must call too. An <see cref="IEventLog"/> the host registered first (a decorator) is kept.
    /// </summary>
    public static ISiloBuilder AddBatonClusterSilo(this ISiloBuilder silo, SiloOptions endpoints, BatonClusterOptions cluster)
    {
        ArgumentNullException.ThrowIfNull(silo);
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentNullException.ThrowIfNull(cluster);
        if (!IPAddress.TryParse(endpoints.Address, out var address) || address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any))
        {
            throw new InvalidOperationException($"{SiloOptions.SectionName}:Address must be one concrete IP address that other silos and the fronts can reach (not 0.0.0.0); it is '{endpoints.Address}'.");
        }

        silo.Configure<ClusterOptions>(o => (o.ServiceId, o.ClusterId) = (ServiceId, cluster.ClusterId));
        // listenOnAnyHostAddress: false: the ports bind to this address only, never to every interface.
        silo.ConfigureEndpoints(address, endpoints.SiloPort ?? SiloOptions.DefaultClusterSiloPort, endpoints.GatewayPort ?? SiloOptions.DefaultClusterGatewayPort, listenOnAnyHostAddress: false);
        silo.UseRedisClustering(o => o.ConfigurationOptions = cluster.RedisConfiguration());
        silo.Services.AddOptions<Orleans.Clustering.Redis.RedisClusteringOptions>().Configure<IConnectionMultiplexer>((o, redis) => o.CreateMultiplexer = _ => Shared(redis));
        silo.Configure<ClusterMembershipOptions>(o =>
        {
            o.ProbeTimeout = cluster.Membership.ProbeTimeout;
            o.NumMissedProbesLimit = cluster.Membership.NumMissedProbesLimit;
            o.NumVotesForDeathDeclaration = cluster.Membership.NumVotesForDeathDeclaration;
            o.TableRefreshTimeout = cluster.Membership.TableRefreshTimeout;
        });
        // Orleans starts the dead silo's lease at RangeLeaseDuration minus its failure detection window
        // (MaxProbeTimeout x NumMissedProbesLimit): add that window back so the lease is DeadSiloLease.
        silo.Services.AddOptions<GrainDirectoryOptions>().Configure<IOptions<ClusterMembershipOptions>>((directory, membership) =>
            directory.RangeLeaseDuration = cluster.Membership.DeadSiloLease == TimeSpan.Zero
                ? TimeSpan.Zero
                : (membership.Value.MaxProbeTimeout * membership.Value.NumMissedProbesLimit) + cluster.Membership.DeadSiloLease);
        silo.Configure<SiloMessagingOptions>(o => o.ResponseTimeout = cluster.ResponseTimeout);
        silo.AddBatonGrains();
        foreach (var name in StorageNames)
        {
            silo.AddRedisGrainStorage(name, storage => storage.Configure<IConnectionMultiplexer>((o, redis) =>
            {
                o.ConfigurationOptions = cluster.RedisConfiguration(); // required by its validator; the connection is the shared one
                o.CreateMultiplexer = _ => Shared(redis);
                o.DeleteStateOnClear = true;
                o.EntryExpiry = null;
            }));
        }

        silo.Services.TryAddSingleton<IEventLog>(sp => sp.GetRequiredService<RedisEventLog>());
        return silo;
    }

    /// <summary>
    /// An Orleans client of the Redis cluster (an API front): it finds the silos' gateways in
    /// Redis, re-reads that list every few seconds (Orleans' default is a minute, too slow to notice a
    /// new silo), and keeps trying to connect when no silo is up yet instead of failing its start.
    /// </summary>
    public static IClientBuilder AddBatonClusterClient(this IClientBuilder client, BatonClusterOptions cluster)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(cluster);
        client.Configure<ClusterOptions>(o => (o.ServiceId, o.ClusterId) = (ServiceId, cluster.ClusterId));
        client.UseRedisClustering(o => o.ConfigurationOptions = cluster.RedisConfiguration());
        client.Services.AddOptions<Orleans.Clustering.Redis.RedisClusteringOptions>().Configure<IConnectionMultiplexer>((o, redis) => o.CreateMultiplexer = _ => Shared(redis));
        client.Configure<GatewayOptions>(o => o.GatewayListRefreshPeriod = TimeSpan.FromSeconds(5));
        client.Configure<ClientMessagingOptions>(o => o.ResponseTimeout = cluster.ResponseTimeout);
        client.UseConnectionRetryFilter<RetryConnectingForever>();
        return client;
    }

    /// <summary>
    /// The one Redis connection of a cluster node (StackExchange.Redis multiplexes every caller over
    /// it), shared by membership, grain storage and the event log, and the event log itself.
    /// </summary>
    public static IServiceCollection AddBatonRedis(this IServiceCollection services, BatonClusterOptions cluster, Action<RedisEventLogOptions>? configureLog = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(cluster);
        // Connects in the background and keeps reconnecting (AbortOnConnectFail off): a node started
        // before Redis, or one that loses it, serves 503 meanwhile instead of crashing.
        services.TryAddSingleton<IConnectionMultiplexer>(_ => ConnectionMultiplexer.Connect(cluster.RedisConfiguration()));
        services.TryAddSingleton(sp =>
        {
            var options = new RedisEventLogOptions();
            configureLog?.Invoke(options);
            return new RedisEventLog(sp.GetRequiredService<IConnectionMultiplexer>(), options);
        });
        services.TryAddSingleton<IAuditLog>(sp => sp.GetRequiredService<RedisEventLog>());
        services.TryAddSingleton<IRevocationLog>(sp => sp.GetRequiredService<RedisEventLog>());
        return services;
    }

    // IsShared: Orleans' providers must not dispose the node's connection when they stop.
    private static Task<(IConnectionMultiplexer Multiplexer, bool IsShared)> Shared(IConnectionMultiplexer redis) => Task.FromResult((redis, true));

    private static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>A front started before any silo, or whose silos all restarted, waits for one instead of failing.</summary>
    private sealed class RetryConnectingForever : IClientConnectionRetryFilter
    {
        public async Task<bool> ShouldRetryConnectionAttempt(Exception exception, CancellationToken cancellationToken)
        {
            await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
            return true;
        }
    }
}
