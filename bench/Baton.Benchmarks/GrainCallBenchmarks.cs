using System.Net;
using System.Net.Sockets;
using BenchmarkDotNet.Attributes;
using Baton.Core;
using Baton.Core.Audit;
using Baton.Core.Ledgers;
using Baton.Grains;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Baton.Benchmarks;

/// <summary>
/// A call into a user's grain, on a real silo in this process (localhost clustering, Baton's grains
/// registered by <see cref="BatonGrainsSiloBuilderExtensions.AddBatonGrains"/>, in-memory grain
/// storage under Baton's storage names), from the silo's own <see cref="IGrainFactory"/> as the
/// co-hosted front calls. Measured against a trivial grain call, and against the same ledger
/// transition with no Orleans at all.
/// </summary>
/// <remarks>
/// Server GC, as the ASP.NET Core host runs. The event log is a no-op: the outbox is built and
/// stored, but its delivery costs nothing here (on Redis it is a second script). Orleans' memory
/// storage keeps the serialized state in a storage grain of its own, so a write here is the
/// System.Text.Json serialization plus one more in-silo grain call, where on Redis it is a
/// network round trip.
/// </remarks>
[MemoryDiagnoser]
[GcServer(true)]
public class GrainCallBenchmarks
{
    /// <summary>Users in the pool; each iteration moves to the next, as many users' refreshes would.</summary>
    private const int Users = 1024;

    /// <summary>Sessions per user, as in <see cref="LedgerBenchmarks"/>.</summary>
    private const int SessionsPerUser = 3;

    /// <summary>The storage names Baton's grains use (Baton.Silo's <c>BatonSiloExtensions.StorageNames</c>).</summary>
    private static readonly string[] StorageNames = ["sessions", "accounts", "keys"];

    private static readonly DateTimeOffset Now = new(2026, 1, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly ClientDetails Client = new("203.0.113.7", "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36");

    private readonly string[] _userIds = new string[Users];
    private readonly string[][] _sessionIds = new string[Users][];
    private readonly string[][] _currentJtis = new string[Users][];
    private readonly SessionPolicy _policy = new() { MaxSessionsPerUser = SessionsPerUser };
    private IHost _host = null!;
    private IGrainFactory _grains = null!;
    private int _next;
    private Ledger _ledger = null!;
    private RefreshSession _refresh = null!;

    [GlobalSetup]
    public void Setup()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.UseOrleans(silo =>
        {
            silo.UseLocalhostClustering(FreeLoopbackPort(), 0, serviceId: "baton-bench", clusterId: "baton-bench");
            silo.AddBatonGrains(p => p.MaxSessionsPerUser = SessionsPerUser);
            foreach (var name in StorageNames)
            {
                silo.AddMemoryGrainStorage(name);
            }
        });
        builder.Services.AddSingleton<IEventLog, DiscardingEventLog>();
        _host = builder.Build();
        _host.StartAsync().GetAwaiter().GetResult();
        _grains = _host.Services.GetRequiredService<IGrainFactory>();

        for (var u = 0; u < Users; u++)
        {
            _userIds[u] = RandomIds.New();
            _sessionIds[u] = new string[SessionsPerUser];
            _currentJtis[u] = new string[SessionsPerUser];
            var grain = _grains.GetGrain<IUserSessionGrain>(_userIds[u]);
            for (var s = 0; s < SessionsPerUser; s++)
            {
                var request = new StartSessionRequest(RandomIds.New(), RandomIds.New(), new DeviceDetails($"device-{s}", "web", "Browser"), Client, ["user"], $"user{u}");
                var started = grain.StartSessionAsync(request).GetAwaiter().GetResult();
                var session = started.Session ?? throw new InvalidOperationException($"No session started: {started.Error}");
                (_sessionIds[u][s], _currentJtis[u][s]) = (session.Id, request.RefreshJti);
            }

            _grains.GetGrain<IPingGrain>(u).Ping(u).GetAwaiter().GetResult();
        }

        _ledger = Ledger.Empty("user");
        for (var i = 0; i < SessionsPerUser; i++)
        {
            _ledger = new StartSession(RandomIds.New(), new Device($"d{i}", "web", "Browser"), RandomIds.New(), ClientInfo.None)
                .Apply(_ledger, Now, _policy).Ledger with { Version = i + 1 };
        }

        var last = _ledger.Sessions[^1];
        _refresh = new RefreshSession(last.Id, last.CurrentJti, RandomIds.New(), Client.ToClientInfo());
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _host.StopAsync().GetAwaiter().GetResult();
        _host.Dispose();
    }

    [Benchmark(Baseline = true, Description = "trivial grain call (Ping)")]
    public Task<int> Ping()
    {
        var u = Next();
        return _grains.GetGrain<IPingGrain>(u).Ping(u);
    }

    [Benchmark(Description = "IUserSessionGrain.CheckSession (read-only)")]
    public Task<SessionCheckResult> CheckSession()
    {
        var u = Next();
        return _grains.GetGrain<IUserSessionGrain>(_userIds[u]).CheckSessionAsync(_sessionIds[u][u % SessionsPerUser]);
    }

    [Benchmark(Description = "IUserSessionGrain.Refresh (rotate + memory storage write + outbox)")]
    public async Task<RefreshResult> Refresh()
    {
        var u = Next();
        var s = u % SessionsPerUser;
        var request = new RefreshRequest(_sessionIds[u][s], _currentJtis[u][s], RandomIds.New(), Client);
        var result = await _grains.GetGrain<IUserSessionGrain>(_userIds[u]).RefreshAsync(request);
        if (result.Status != RefreshStatus.Rotated)
        {
            throw new InvalidOperationException($"The refresh did not rotate: {result.Status}.");
        }

        _currentJtis[u][s] = request.NewJti;
        return result;
    }

    [Benchmark(Description = "ledger refresh transition, no Orleans (3 sessions)")]
    public LedgerChange<RefreshOutcome> LedgerRefresh() => _refresh.Apply(_ledger, Now.AddMinutes(1), _policy);

    private int Next()
    {
        var u = _next;
        _next = (u + 1) % Users;
        return u;
    }

    private static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>An event log that takes every event and keeps none.</summary>
    private sealed class DiscardingEventLog : IEventLog
    {
        public Task AppendAsync(IReadOnlyList<LoggedEvent> events, CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
