using Baton.Storage.Tests.Sqlite;
using Baton.Storage.Tests.Contracts;
using Baton.Testing.Redis;
using Baton.Testing.Storage;
using Microsoft.Extensions.DependencyInjection;
using Orleans;
using Orleans.Configuration;
using Orleans.Hosting;
using Orleans.Runtime;
using Orleans.Serialization;
using Orleans.Storage;
using StackExchange.Redis;

namespace Baton.Storage.Tests.Redis;

/// <summary>
/// The grain storage contract on Orleans' own Redis provider (Microsoft.Orleans.Persistence.Redis),
/// registered and started as a silo would (its DI registration, then its silo lifecycle stage), with
/// a ServiceId of its own per test so tests do not see each other's grains. Configured as Baton's
/// cluster configures it: System.Text.Json state, a clear deletes the hash, and no EntryExpiry (an
/// expiring state would let a second activation start from nothing).
/// </summary>
[RequiresRedis]
public sealed class RedisGrainStorageContractTests : GrainStorageContractTests
{
    protected override bool ReportsETagsOnConflict => false;

    protected override async Task<GrainStorageUnderTest> CreateStorageAsync()
    {
        var server = await RedisServer.SharedAsync();
        var serviceId = RedisTestConnection.UniquePrefix("grains");
        var services = new ServiceCollection()
            .AddLogging()
            .AddSerializer()
            .Configure<ClusterOptions>(o => (o.ServiceId, o.ClusterId) = (serviceId, "test"));
        services.AddSingleton<IGrainStorageSerializer>(_ => SqliteTestFiles.Serializer);
        services.AddRedisGrainStorage("sessions", o =>
        {
            o.ConfigurationOptions = ConfigurationOptions.Parse(server.Configuration);
            o.DeleteStateOnClear = true;
        });
        var provider = services.BuildServiceProvider();
        var storage = provider.GetRequiredKeyedService<IGrainStorage>("sessions");
        var lifecycle = new StartedLifecycle();
        ((ILifecycleParticipant<ISiloLifecycle>)storage).Participate(lifecycle);
        await lifecycle.StartAsync();
        return new RedisStorageUnderTest(provider, storage, lifecycle, await RedisTestConnection.SharedAsync(), serviceId);
    }

    private sealed class RedisStorageUnderTest(ServiceProvider provider, IGrainStorage storage, StartedLifecycle lifecycle, IConnectionMultiplexer connection, string serviceId)
        : GrainStorageUnderTest
    {
        public override IGrainStorage Storage => storage;

        public override async Task<string?> ReadStoredDocumentAsync(string stateName, GrainId grainId)
        {
            // As redis-cli HGET would read it.
            var key = $"{serviceId}/state/{grainId}/{stateName}";
            var data = await connection.GetDatabase().HashGetAsync(key, "data");
            return data.IsNull ? null : (string?)data;
        }

        public override async ValueTask DisposeAsync()
        {
            await lifecycle.StopAsync();
            await provider.DisposeAsync();
            await RedisTestConnection.DeleteKeysAsync(connection, $"{serviceId}/*");
        }
    }

    /// <summary>The part of a silo's lifecycle a storage provider sees: its stage starts, and stops at the end.</summary>
    private sealed class StartedLifecycle : ISiloLifecycle
    {
        private readonly List<(int Stage, ILifecycleObserver Observer)> _observers = [];

        public int HighestCompletedStage { get; private set; }

        public int LowestStoppedStage { get; private set; }

        public IDisposable Subscribe(string observerName, int stage, ILifecycleObserver observer)
        {
            _observers.Add((stage, observer));
            return new Unsubscriber();
        }

        public async Task StartAsync()
        {
            foreach (var (stage, observer) in _observers.OrderBy(o => o.Stage))
            {
                await observer.OnStart(CancellationToken.None);
                HighestCompletedStage = stage;
            }
        }

        public async Task StopAsync()
        {
            foreach (var (stage, observer) in _observers.OrderByDescending(o => o.Stage))
            {
                await observer.OnStop(CancellationToken.None);
                LowestStoppedStage = stage;
            }
        }

        private sealed class Unsubscriber : IDisposable
        {
            public void Dispose()
            {
            }
        }
    }
}
