using Baton.Core.Engine;
using Baton.Core.Ledgers;

namespace Baton.Core.Tests.Engine;

/// <summary>One store, a clock, and any number of engines ("nodes") on them, each with its own cache fed by the store's commits.</summary>
internal sealed class EngineHarness
{
    public EngineHarness(SessionPolicy? policy = null, ILedgerStore? store = null, InMemoryLedgerStore? memory = null)
    {
        Memory = memory ?? new InMemoryLedgerStore();
        Store = store ?? Memory;
        Policy = policy ?? new SessionPolicy();
    }

    public InMemoryLedgerStore Memory { get; }

    public ILedgerStore Store { get; }

    public SessionPolicy Policy { get; }

    public TestClock Clock { get; } = new();

    /// <summary>A node whose change feed has not delivered (or lost) the other nodes' notices.</summary>
    public LedgerEngine NewDeafNode() =>
        new(Store, new LedgerCache(1000), Policy, new LedgerEngineOptions { NodeName = "deaf" }, Clock);

    public LedgerEngine NewNode(int cacheCapacity = 1000, int maxAttempts = 8)
    {
        var cache = new LedgerCache(cacheCapacity);
        Memory.Subscribe(cache);
        return new LedgerEngine(Store, cache, Policy, new LedgerEngineOptions { MaxAttempts = maxAttempts, NodeName = "test" }, Clock);
    }

    public static StartSession Login(string deviceId = "d1", string type = "web") =>
        new(RandomIds.New(), new Device(deviceId, type, null), RandomIds.New(), ClientInfo.None);

    public static RefreshSession Refresh(Session session) =>
        new(session.Id, session.CurrentJti, RandomIds.New(), ClientInfo.None);

    public static async Task<T> Ok<T>(Task<EngineResult<T>> pending)
    {
        var result = await pending;
        Assert.True(result.Succeeded, $"engine failed: {result.Failure}");
        return result.Outcome;
    }
}
