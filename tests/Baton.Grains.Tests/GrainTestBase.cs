using System.Collections.Immutable;
using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;

namespace Baton.Grains.Tests;

/// <summary>What the grain tests share: callers on every silo and the cluster client, and small request builders.</summary>
public abstract class GrainTestBase(IGrainClusterFixture fixture) : IDisposable
{
    protected TestCluster Cluster => fixture.Cluster;

    internal static TestGrainStore Store => GrainClusterFixture.Store;

    internal static TestEventLog EventLog => GrainClusterFixture.EventLog;

    /// <summary>The cluster client and the grain factory inside each running silo: calls that enter the cluster at different places.</summary>
    protected IReadOnlyList<IGrainFactory> Callers =>
        [Cluster.Client, .. Cluster.Silos.OfType<InProcessSiloHandle>().Select(s => s.SiloHost.Services.GetRequiredService<IGrainFactory>())];

    protected static string NewUserId(string name) => $"{name}-{Guid.NewGuid():N}";

    protected static string NewId() => Guid.NewGuid().ToString("N");

    protected IUserSessionGrain Grain(string userId, int caller = 0) =>
        Callers[caller % Callers.Count].GetGrain<IUserSessionGrain>(userId);

    protected static StartSessionRequest Login(string deviceId, string type = "web") =>
        new(NewId(), NewId(), new DeviceDetails(deviceId, type, null), new ClientDetails("192.0.2.1", "tests"), ["user"], "alice");

    protected static RefreshRequest Refresh(string sessionId, string presentedJti) =>
        new(sessionId, presentedJti, NewId(), new ClientDetails("192.0.2.1", "tests"));

    /// <summary>The user's state as stored now, or null.</summary>
    internal static UserSessionState? Stored(string userId) => Store.Read(TestGrainStore.KeyOfUser(userId));

    /// <summary>Every document the store accepted for the user, in order.</summary>
    internal static ImmutableArray<UserSessionState> Written(string userId) =>
        [.. Store.Writes.Where(w => w.Key == TestGrainStore.KeyOfUser(userId)).Select(w => System.Text.Json.JsonSerializer.Deserialize<UserSessionState>(w.Json)!)];

    public void Dispose()
    {
        Store.WriteLatency = TimeSpan.Zero;
        Store.CheckETags = true;
        GC.SuppressFinalize(this);
    }
}
