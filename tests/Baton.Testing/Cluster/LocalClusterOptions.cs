using Baton.Testing.Redis;

namespace Baton.Testing.Cluster;

/// <summary>What <see cref="LocalCluster.StartAsync"/> starts.</summary>
public sealed record LocalClusterOptions
{
    /// <summary>A short name for directories and messages.</summary>
    public string Name { get; init; } = "cluster";

    /// <summary>How many silos. Default 3 (the compose topology).</summary>
    public int Silos { get; init; } = 3;

    /// <summary>How many API fronts. Default 2.</summary>
    public int Fronts { get; init; } = 2;

    /// <summary>The Orleans cluster id (<c>Baton:Cluster:ClusterId</c>); the service id is Baton's constant, so another cluster id on the same Redis sees the same grain state.</summary>
    public string ClusterId { get; init; } = "baton";

    /// <summary>A Redis to use instead of starting one (for a second cluster on the same Redis); the cluster then leaves it running.</summary>
    public RedisServer? Redis { get; init; }

    /// <summary>The fsync policy of the Redis the cluster starts (append-only file on). Default <see cref="AppendFsync.EverySec"/>, the compose default.</summary>
    public AppendFsync RedisFsync { get; init; } = AppendFsync.EverySec;

    /// <summary>
    /// The session policy, as keys under <c>Baton:Sessions</c> (<c>MaxSessionsPerUser</c>,
    /// <c>MaxSessionsPerDeviceType:web</c>, <c>RefreshReuseGrace</c>): given to silos (the grains
    /// apply it) and fronts (which validate it) alike, so they cannot disagree.
    /// </summary>
    public IReadOnlyDictionary<string, string> Sessions { get; init; } = new Dictionary<string, string>();

    /// <summary>More configuration for every node (keys <c>:</c>-separated), after the cluster's own.</summary>
    public IReadOnlyDictionary<string, string> Settings { get; init; } = new Dictionary<string, string>();

    /// <summary>Where <c>Baton.Silo.dll</c> and <c>Baton.Api.dll</c> are; default: found by <see cref="ClusterBinaries"/>.</summary>
    public string? BinDirectory { get; init; }

    /// <summary>
    /// A directory where each node's whole output is also written (<c>{name}-silo-1.log</c>), kept after
    /// the cluster is gone. Default: the directory <c>BATON_CLUSTER_LOGS</c> names, else none.
    /// </summary>
    public string? LogDirectory { get; init; } = Environment.GetEnvironmentVariable("BATON_CLUSTER_LOGS") is { Length: > 0 } logs ? logs : null;

    /// <summary>How long each node may take to become ready. Default 60 s (a cold start on a busy 2-core machine).</summary>
    public TimeSpan ReadyPatience { get; init; } = TimeSpan.FromSeconds(60);
}
