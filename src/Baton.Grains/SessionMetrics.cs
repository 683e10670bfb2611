using System.Collections.Immutable;
using System.Diagnostics.Metrics;
using Baton.Core;
using Baton.Core.Ledgers;

namespace Baton.Grains;

/// <summary>What the users' grains commit, on the <c>Baton.Sessions</c> meter.</summary>
public static class SessionMetrics
{
    /// <summary>The meter's name, for exporters.</summary>
    public const string MeterName = "Baton.Sessions";

    private static readonly Meter Meter = new(MeterName);
    private static readonly Counter<long> Events = Meter.CreateCounter<long>("baton.session.events", description: "Committed session events by kind (started, rotated, reuse_detected, ended, account_closed, account_reopened) and end reason.");
    private static readonly Counter<long> Writes = Meter.CreateCounter<long>("baton.grain.writes", description: "Grain state writes by outcome: ok, stale (another activation wrote), failed.");

    internal static void Committed(ImmutableArray<LedgerEvent> events)
    {
        Writes.Add(1, new KeyValuePair<string, object?>("outcome", "ok"));
        foreach (var e in events)
        {
            Events.Add(1, new KeyValuePair<string, object?>("kind", KindName(e.Kind)), new KeyValuePair<string, object?>("reason", e.Reason?.ToWire() ?? "none"));
        }
    }

    private static string KindName(LedgerEventKind kind) => kind switch
    {
        LedgerEventKind.SessionStarted => "started",
        LedgerEventKind.TokenRotated => "rotated",
        LedgerEventKind.ReuseDetected => "reuse_detected",
        LedgerEventKind.AccountClosed => "account_closed",
        LedgerEventKind.AccountReopened => "account_reopened",
        _ => "ended",
    };

    internal static void WriteFailed(bool stale) => Writes.Add(1, new KeyValuePair<string, object?>("outcome", stale ? "stale" : "failed"));
}
