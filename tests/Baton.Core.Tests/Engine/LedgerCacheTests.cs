using Baton.Core.Engine;
using Baton.Core.Ledgers;

namespace Baton.Core.Tests.Engine;

public class LedgerCacheTests
{
    private static Ledger At(long version, string user = "u") => Ledger.Empty(user) with { Version = version };

    private static void Fill(LedgerCache cache, Ledger ledger) => cache.CompleteLoad(cache.BeginLoad(ledger.UserId), ledger);

    [Fact]
    public void CompleteLoad_NoNoticeMeanwhile_CachesTheLedger()
    {
        var cache = new LedgerCache(10);

        Fill(cache, At(3));

        Assert.True(cache.TryGet("u", out var hit));
        Assert.Equal(3, hit.Version);
    }

    [Fact]
    public void CompleteLoad_NoticeOfNewerVersionArrivedDuringTheRead_IsNotCached()
    {
        var cache = new LedgerCache(10);
        var ticket = cache.BeginLoad("u");

        cache.OnChanged("u", 4);
        cache.CompleteLoad(ticket, At(3));

        Assert.False(cache.TryGet("u", out _));
    }

    [Fact]
    public void CompleteLoad_NoticeArrivedWhenNothingWasCached_StillBlocksTheOlderRead()
    {
        // The I8 race: read v3 starts, v4 commits elsewhere and its notice arrives while the
        // cache holds nothing for the user, then the v3 read completes.
        var cache = new LedgerCache(10);
        var slowRead = cache.BeginLoad("u");
        cache.OnChanged("u", 4);
        var freshRead = cache.BeginLoad("u");

        cache.CompleteLoad(slowRead, At(3));
        cache.CompleteLoad(freshRead, At(4));

        Assert.True(cache.TryGet("u", out var hit));
        Assert.Equal(4, hit.Version);
    }

    [Fact]
    public void CompleteLoad_OlderThanCachedVersion_KeepsTheNewer()
    {
        var cache = new LedgerCache(10);
        var older = cache.BeginLoad("u");
        Fill(cache, At(5));

        cache.CompleteLoad(older, At(4));

        Assert.True(cache.TryGet("u", out var hit));
        Assert.Equal(5, hit.Version);
    }

    [Fact]
    public void OnChanged_NewerVersion_DropsTheEntry()
    {
        var cache = new LedgerCache(10);
        Fill(cache, At(3));

        cache.OnChanged("u", 4);

        Assert.False(cache.TryGet("u", out _));
    }

    [Fact]
    public void OnChanged_SameVersionAsCached_KeepsTheEntry()
    {
        // A node hears its own commits back from the feed.
        var cache = new LedgerCache(10);
        Fill(cache, At(3));

        cache.OnChanged("u", 3);

        Assert.True(cache.TryGet("u", out _));
    }

    [Fact]
    public void Suspend_DropsEverythingAndCachesNothingUntilResume()
    {
        var cache = new LedgerCache(10);
        Fill(cache, At(1, "a"));

        cache.Suspend();
        Fill(cache, At(1, "b"));

        Assert.Equal(0, cache.Count);
        Assert.True(cache.IsSuspended);
        cache.Resume();
        Fill(cache, At(1, "b"));
        Assert.True(cache.TryGet("b", out _));
    }

    [Fact]
    public void CompleteLoad_ReadStraddlingAnOutage_IsNotCached()
    {
        // Notices sent while the feed was down were never heard; a read from before cannot be trusted.
        var cache = new LedgerCache(10);
        var ticket = cache.BeginLoad("u");
        cache.Suspend();
        cache.Resume();

        cache.CompleteLoad(ticket, At(1));

        Assert.False(cache.TryGet("u", out _));
    }

    [Fact]
    public void CompleteLoad_OverCapacity_EvictsTheLeastRecentlyUsed()
    {
        var cache = new LedgerCache(2);
        Fill(cache, At(1, "a"));
        Fill(cache, At(1, "b"));
        Assert.True(cache.TryGet("a", out _));

        Fill(cache, At(1, "c"));

        Assert.Equal(2, cache.Count);
        Assert.True(cache.TryGet("a", out _));
        Assert.False(cache.TryGet("b", out _));
        Assert.True(cache.TryGet("c", out _));
    }

    [Fact]
    public void CompleteLoad_ZeroCapacity_CachesNothing()
    {
        var cache = new LedgerCache(0);

        Fill(cache, At(1));

        Assert.False(cache.TryGet("u", out _));
    }

    [Fact]
    public void Remove_DropsOneUser()
    {
        var cache = new LedgerCache(10);
        Fill(cache, At(1, "a"));
        Fill(cache, At(1, "b"));

        cache.Remove("a");

        Assert.False(cache.TryGet("a", out _));
        Assert.True(cache.TryGet("b", out _));
    }
}
