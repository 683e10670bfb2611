using Baton.Core.Audit;
using Baton.Core.Ledgers;
using Baton.Core.Users;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Orleans.Storage;
using Orleans.TestingHost;

namespace Baton.Grains.Tests;

/// <summary>
/// One Orleans test cluster of three silos for the grain tests: the silos share (in this process)
/// the grain store, the event log, the grains' clock and the session and lockout policies. Tests run one at a
/// time in <see cref="GrainClusterTests"/> and use user ids of their own.
/// </summary>
public sealed class GrainClusterFixture : IGrainClusterFixture, IAsyncLifetime
{
    internal static TestGrainStore Store { get; } = new();

    internal static TestEventLog EventLog { get; } = new();

    internal static FakeTimeProvider Clock { get; } = new(new DateTimeOffset(2026, 1, 1, 12, 0, 0, TimeSpan.Zero));

    /// <summary>The lockout every silo's account grains apply: five failures lock for 15 minutes.</summary>
    internal static LockoutPolicy Lockout { get; } = new() { MaxFailedLogins = 5 };

    /// <summary>The one policy instance every silo's grains apply; tests change it through <see cref="UsePolicy"/>.</summary>
    internal static SessionPolicy Policy { get; } = new();

    public TestCluster Cluster { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var builder = new TestClusterBuilder(3);
        builder.AddSiloBuilderConfigurator<SiloConfigurator>();
        Cluster = builder.Build();
        await Cluster.DeployAsync();
    }

    public async Task DisposeAsync()
    {
        await Cluster.StopAllSilosAsync();
        await Cluster.DisposeAsync();
    }

    /// <summary>Sets the shared policy for one test; disposing puts the defaults back.</summary>
    internal static IDisposable UsePolicy(Action<SessionPolicy> configure)
    {
        configure(Policy);
        return new PolicyReset();
    }

    private sealed class PolicyReset : IDisposable
    {
        public void Dispose()
        {
            var defaults = new SessionPolicy();
            Policy.MaxSessionsPerUser = defaults.MaxSessionsPerUser;
            Policy.MaxSessionsPerDeviceType.Clear();
            Policy.OnLimit = defaults.OnLimit;
            Policy.RefreshReuseGrace = defaults.RefreshReuseGrace;
            Policy.RefreshIdleLifetime = defaults.RefreshIdleLifetime;
            Policy.SessionAbsoluteLifetime = defaults.SessionAbsoluteLifetime;
        }
    }

    private sealed class SiloConfigurator : ISiloConfigurator
    {
        public void Configure(ISiloBuilder siloBuilder)
        {
            siloBuilder.AddBatonGrains(clock: Clock);
            siloBuilder.Services.AddSingleton<IOptions<SessionPolicy>>(Options.Create(Policy));
            siloBuilder.Services.AddSingleton<IOptions<LockoutPolicy>>(Options.Create(Lockout));
            foreach (var storage in new[] { "sessions", "accounts", "keys" })
            {
                siloBuilder.Services.AddKeyedSingleton<IGrainStorage>(storage, (services, _) =>
                    new TestGrainStorage(Store, services.GetRequiredService<IGrainStorageSerializer>()));
            }

            siloBuilder.Services.AddSingleton<IEventLog>(EventLog);
        }
    }
}

[CollectionDefinition(Name)]
public sealed class GrainClusterTests : ICollectionFixture<GrainClusterFixture>
{
    public const string Name = "grain cluster";
}
