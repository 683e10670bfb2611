using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using Baton.Testing.Redis;

namespace Baton.Testing.Cluster;

/// <summary>
/// The Redis cluster of DESIGN.md §2 as real processes on this machine: a Redis of its own (append-only
/// file on), N silos (<c>dotnet Baton.Silo.dll</c>) and M API fronts (<c>dotnet Baton.Api.dll</c>, Orleans
/// clients), each on free loopback ports, each started and waited for until its <c>/health/ready</c>
/// answers 200. Fronts share one issuer and an API key with <c>sessions:issue</c> and
/// <c>sessions:admin</c> (<see cref="ApiKey"/>), and have rate limits off. Disposing kills every
/// process still running and the Redis it started. For tests and the load tool: it uses no test framework.
/// </summary>
public sealed class LocalCluster : IAsyncDisposable
{
    /// <summary>The API key every front accepts, with <c>sessions:issue</c> and <c>sessions:admin</c> (header <c>X-Api-Key</c>).</summary>
    public const string ApiKey = "baton-local-cluster-key";

    /// <summary>The <c>iss</c> of every front's tokens.</summary>
    public const string Issuer = "http://baton.local-cluster.test";

    private readonly bool _ownsRedis;
    private readonly string _directory;
    private bool _disposed;

    private LocalCluster(LocalClusterOptions options, RedisServer redis, bool ownsRedis, string directory, IReadOnlyList<BatonNode> silos, IReadOnlyList<BatonNode> fronts)
    {
        Options = options;
        Redis = redis;
        _ownsRedis = ownsRedis;
        _directory = directory;
        Silos = silos;
        Fronts = fronts;
    }

    public LocalClusterOptions Options { get; }

    /// <summary>The cluster's Redis: membership, grain state, the event log.</summary>
    public RedisServer Redis { get; }

    public IReadOnlyList<BatonNode> Silos { get; }

    public IReadOnlyList<BatonNode> Fronts { get; }

    public IEnumerable<BatonNode> Nodes => Silos.Concat(Fronts);

    /// <summary>The lowercase hex SHA-256 of <see cref="ApiKey"/>, as <c>Baton:ApiKeys:Keys:n:Sha256</c> wants it.</summary>
    public static string ApiKeySha256 => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(ApiKey)));

    /// <summary>Starts Redis (unless given one), then the silos, then the fronts, and returns once every node is ready.</summary>
    public static async Task<LocalCluster> StartAsync(LocalClusterOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var bin = options.BinDirectory ?? ClusterBinaries.Find();
        var redis = options.Redis ?? await RedisServer.StartOwnAsync(options.Name, options.RedisFsync);
        var directory = Directory.CreateTempSubdirectory($"baton-cluster-{options.Name}-").FullName;
        var ports = FreePorts((3 * options.Silos) + options.Fronts);
        var common = new Dictionary<string, string>
        {
            ["Baton:Cluster:Redis"] = redis.Configuration,
            ["Baton:Cluster:ClusterId"] = options.ClusterId,
        };
        foreach (var (key, value) in options.Sessions)
        {
            common[$"Baton:Sessions:{key}"] = value;
        }

        var silos = Enumerable.Range(0, options.Silos).Select(i =>
        {
            var (http, silo, gateway) = (ports[3 * i], ports[(3 * i) + 1], ports[(3 * i) + 2]);
            return Node($"{options.Name}/silo-{i + 1}", NodeRole.Silo, Path.Combine(bin, ClusterBinaries.SiloDll), directory, options.LogDirectory, http, silo, gateway, common, new Dictionary<string, string>
            {
                ["Urls"] = Url(http),
                ["Baton:Silo:Address"] = "127.0.0.1",
                ["Baton:Silo:SiloPort"] = Invariant(silo),
                ["Baton:Silo:GatewayPort"] = Invariant(gateway),
            }, options.Settings);
        }).ToArray();
        var fronts = Enumerable.Range(0, options.Fronts).Select(i =>
        {
            var http = ports[(3 * options.Silos) + i];
            return Node($"{options.Name}/front-{i + 1}", NodeRole.Front, Path.Combine(bin, ClusterBinaries.ApiDll), directory, options.LogDirectory, http, null, null, common, new Dictionary<string, string>
            {
                ["Urls"] = Url(http),
                ["Baton:Tokens:Issuer"] = Issuer,
                ["Baton:ApiKeys:Keys:0:Name"] = "local-cluster",
                ["Baton:ApiKeys:Keys:0:Sha256"] = ApiKeySha256,
                ["Baton:ApiKeys:Keys:0:Scopes:0"] = "sessions:issue",
                ["Baton:ApiKeys:Keys:0:Scopes:1"] = "sessions:admin",
                ["Baton:RateLimits:LoginPerMinute"] = "0",
                ["Baton:RateLimits:RegisterPerMinute"] = "0",
                ["Baton:RateLimits:RefreshPerMinute"] = "0",
                ["Baton:RateLimits:PasswordChecksPerMinute"] = "0",
            }, options.Settings);
        }).ToArray();

        var cluster = new LocalCluster(options, redis, options.Redis is null, directory, silos, fronts);
        AppDomain.CurrentDomain.ProcessExit += (_, _) => cluster.KillNow();
        try
        {
            // Silos first: a front is ready only once it reaches a grain.
            await Task.WhenAll(silos.Select(s => s.StartAsync(options.ReadyPatience, cancellationToken)));
            await Task.WhenAll(fronts.Select(f => f.StartAsync(options.ReadyPatience, cancellationToken)));
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }

        return cluster;
    }

    /// <summary>A client for <paramref name="front"/>'s API with <see cref="ApiKey"/> already in <c>X-Api-Key</c>; the caller disposes it.</summary>
    public static HttpClient AdminClient(BatonNode front)
    {
        ArgumentNullException.ThrowIfNull(front);
        var client = new HttpClient { BaseAddress = front.Address, Timeout = TimeSpan.FromSeconds(15) };
        client.DefaultRequestHeaders.Add("X-Api-Key", ApiKey);
        return client;
    }

    /// <summary>The silo whose silo port is <paramref name="siloPort"/> (the middle part of an Orleans silo address, <c>S127.0.0.1:port:epoch</c>).</summary>
    public BatonNode SiloOnPort(int siloPort) =>
        Silos.FirstOrDefault(s => s.SiloPort == siloPort) ?? throw new InvalidOperationException($"No silo of {Options.Name} has silo port {siloPort}.");

    /// <summary>Waits until every running node of the cluster is ready again.</summary>
    public Task WaitUntilReadyAsync(TimeSpan? patience = null, CancellationToken cancellationToken = default) =>
        Task.WhenAll(Nodes.Where(n => n.IsRunning).Select(n => n.WaitUntilReadyAsync(patience, cancellationToken)));

    /// <summary>The last lines of every node's output, for a failure message.</summary>
    public string OutputTails(int lines = 25) => string.Join(Environment.NewLine, Nodes.Select(n => n.OutputTail(lines)));

    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        await Task.WhenAll(Nodes.Select(n => n.DisposeAsync().AsTask()));
        if (_ownsRedis)
        {
            await Redis.DisposeAsync();
        }

        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    private void KillNow()
    {
        foreach (var node in Nodes)
        {
            node.KillNow();
        }
    }

    private static BatonNode Node(
        string name, NodeRole role, string dll, string directory, string? logDirectory, int http, int? silo, int? gateway, params IReadOnlyDictionary<string, string>[] settings)
    {
        var environment = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var layer in settings)
        {
            foreach (var (key, value) in layer)
            {
                environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
            }
        }

        return new BatonNode(name, role, dll, directory, http, silo, gateway, environment, logDirectory);
    }

    private static string Url(int port) => $"http://127.0.0.1:{Invariant(port)}";

    private static string Invariant(int value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>Distinct free loopback ports, all held open at once so none is handed out twice.</summary>
    private static int[] FreePorts(int count)
    {
        var listeners = Enumerable.Range(0, count).Select(_ =>
        {
            var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            return listener;
        }).ToArray();
        try
        {
            return [.. listeners.Select(l => ((IPEndPoint)l.LocalEndpoint).Port)];
        }
        finally
        {
            foreach (var listener in listeners)
            {
                listener.Stop();
                listener.Dispose();
            }
        }
    }
}
