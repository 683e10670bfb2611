using StackExchange.Redis;

namespace Baton.Cluster.Tests;

/// <summary>
/// One cluster (Redis, 3 silos, 2 fronts) for a test class whose tests leave it whole; each test uses
/// user ids of its own. Single-device policy: one session per user, one per device type <c>web</c>.
/// Started only when Redis tests run here.
/// </summary>
public sealed class SharedCluster : IAsyncLifetime
{
    private LocalCluster? _cluster;
    private ConnectionMultiplexer? _redis;

    public static IReadOnlyDictionary<string, string> SingleDevice { get; } = new Dictionary<string, string>
    {
        ["MaxSessionsPerUser"] = "1",
        ["MaxSessionsPerDeviceType:web"] = "1",
        ["OnLimit"] = "EvictOldest",
    };

    public LocalCluster Cluster => _cluster ?? throw new InvalidOperationException("The cluster was not started (Redis tests are skipped here).");

    internal IDatabase Redis => (_redis ?? throw new InvalidOperationException("Not started.")).GetDatabase();

    public async Task InitializeAsync()
    {
        if (RedisServer.SkipReason is not null)
        {
            return;
        }

        _cluster = await LocalCluster.StartAsync(new LocalClusterOptions { Name = "shared", Sessions = SingleDevice });
        _redis = await _cluster.Redis.ConnectAsync();
    }

    public async Task DisposeAsync()
    {
        _redis?.Dispose();
        if (_cluster is not null)
        {
            await _cluster.DisposeAsync();
        }
    }
}
