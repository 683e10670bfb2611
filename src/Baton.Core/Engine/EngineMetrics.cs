using System.Diagnostics.Metrics;

namespace Baton.Core.Engine;

/// <summary>The engine's instruments, on the <c>Baton.Engine</c> meter.</summary>
public static class EngineMetrics
{
    /// <summary>The meter's name, for listeners and exporters.</summary>
    public const string MeterName = "Baton.Engine";

    private static readonly Meter Meter = new(MeterName);

    internal static readonly Counter<long> Commits = Meter.CreateCounter<long>("baton.ledger.commits", description: "Ledger changes written.");
    internal static readonly Counter<long> SessionEvents = Meter.CreateCounter<long>("baton.session.events", description: "Committed session events by kind (started, rotated, reuse_detected, ended, account_closed, account_reopened) and end reason.");
    internal static readonly Counter<long> Conflicts = Meter.CreateCounter<long>("baton.ledger.cas_conflicts", description: "Compare-and-swap writes that lost a race and were retried.");
    internal static readonly Counter<long> ExclusiveWrites = Meter.CreateCounter<long>("baton.ledger.exclusive_writes", description: "Attempts that held the ledger against other writers after losing compare-and-swap races.");
    internal static readonly Counter<long> GaveUp = Meter.CreateCounter<long>("baton.ledger.gave_up", description: "Commands that failed after every attempt lost a race.");
    internal static readonly Counter<long> StoreUnavailable = Meter.CreateCounter<long>("baton.store.unavailable", description: "Store operations that failed because the store was unreachable.");
    internal static readonly Counter<long> CacheHits = Meter.CreateCounter<long>("baton.ledger.cache_hits", description: "Ledger reads answered from the node-local cache.");
    internal static readonly Counter<long> CacheMisses = Meter.CreateCounter<long>("baton.ledger.cache_misses", description: "Ledger reads that went to the store.");

    /// <summary>Counts a commit and its session events (logins, rotations, reuse detections, evictions, kicks, ...).</summary>
    internal static void Committed(System.Collections.Immutable.ImmutableArray<Ledgers.LedgerEvent> events)
    {
        Commits.Add(1);
        foreach (var e in events)
        {
            SessionEvents.Add(1, new KeyValuePair<string, object?>("kind", KindName(e.Kind)), new KeyValuePair<string, object?>("reason", e.Reason?.ToWire() ?? "none"));
        }
    }

    private static string KindName(Ledgers.LedgerEventKind kind) => kind switch
    {
        Ledgers.LedgerEventKind.SessionStarted => "started",
        Ledgers.LedgerEventKind.TokenRotated => "rotated",
        Ledgers.LedgerEventKind.ReuseDetected => "reuse_detected",
        Ledgers.LedgerEventKind.AccountClosed => "account_closed",
        Ledgers.LedgerEventKind.AccountReopened => "account_reopened",
        _ => "ended",
    };
}
