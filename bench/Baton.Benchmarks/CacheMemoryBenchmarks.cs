using Baton.Core;
using Baton.Core.Storage;
using Baton.Core.Ledgers;
using BenchmarkDotNet.Attributes;

namespace Baton.Benchmarks;

/// <summary>
/// Memory per cached ledger: fills a cache with 10,000 one-session ledgers as they come from the
/// store (deserialized) and reports the allocation; divided by 10,000 it is the cost of one entry
/// (the ledger, its session, the cache's node and index).
/// </summary>
[MemoryDiagnoser]
public class CacheMemoryBenchmarks
{
    private const int Entries = 10_000;
    private byte[][] _documents = [];

    [GlobalSetup]
    public void Setup() => _documents = Documents(Entries);

    /// <summary>Fills a cache with <paramref name="entries"/> ledgers and prints the heap growth per entry.</summary>
    public static void ReportRetained(int entries)
    {
        var documents = Documents(entries);
        var before = GC.GetTotalMemory(forceFullCollection: true);
        var cache = new LedgerCache(entries);
        for (var i = 0; i < entries; i++)
        {
            var userId = $"user-{i}";
            cache.CompleteLoad(cache.BeginLoad(userId), LedgerSerializer.Deserialize(userId, 1, documents[i]));
        }

        var after = GC.GetTotalMemory(forceFullCollection: true);
        Console.WriteLine($"{cache.Count} cached one-session ledgers: {(after - before) / (double)entries:F0} bytes retained per entry");
        GC.KeepAlive(cache);
    }

    private static byte[][] Documents(int count)
    {
        var policy = new SessionPolicy();
        var now = DateTimeOffset.UtcNow;
        return [.. Enumerable.Range(0, count).Select(i =>
            LedgerSerializer.Serialize(new StartSession(RandomIds.New(), new Device($"device-{i}", "web", "Firefox on Linux"), RandomIds.New(), new ClientInfo("203.0.113.7", "Mozilla/5.0 (X11; Linux x86_64; rv:140.0) Gecko/20100101 Firefox/140.0")) { Username = $"user-{i}" }
                .Apply(Ledger.Empty($"user-{i}"), now, policy).Ledger))];
    }

    [Benchmark(Description = "cache 10,000 one-session ledgers (divide Allocated by 10,000)")]
    public LedgerCache Fill()
    {
        var cache = new LedgerCache(Entries);
        for (var i = 0; i < Entries; i++)
        {
            var userId = $"user-{i}";
            cache.CompleteLoad(cache.BeginLoad(userId), LedgerSerializer.Deserialize(userId, 1, _documents[i]));
        }

        return cache;
    }
}
