using System.Diagnostics.Metrics;
using Baton.Core;

namespace Baton.Api.Diagnostics;

/// <summary>Request outcomes on the <c>Baton.Api</c> meter; committed changes are counted by the engine's meter.</summary>
internal static class ServerMetrics
{
    public const string MeterName = "Baton.Api";

    private static readonly Meter Meter = new(MeterName);
    private static readonly Counter<long> Logins = Meter.CreateCounter<long>("baton.logins", description: "Login attempts by outcome (ok or the error code).");
    private static readonly Counter<long> Refreshes = Meter.CreateCounter<long>("baton.refreshes", description: "Refresh attempts by outcome (ok or the error code).");

    private static readonly Counter<long> RetentionDeletes = Meter.CreateCounter<long>("baton.retention.deleted", description: "Rows deleted by the retention sweep, by table.");

    public static void Login(ErrorCode? error) => Logins.Add(1, new KeyValuePair<string, object?>("outcome", error?.ToWire() ?? "ok"));

    public static void Refresh(ErrorCode? error) => Refreshes.Add(1, new KeyValuePair<string, object?>("outcome", error?.ToWire() ?? "ok"));

    public static void RetentionDeleted(long auditEvents, long revocations)
    {
        RetentionDeletes.Add(auditEvents, new KeyValuePair<string, object?>("table", "audit_events"));
        RetentionDeletes.Add(revocations, new KeyValuePair<string, object?>("table", "revocations"));
    }
}
