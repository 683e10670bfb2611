using System.Globalization;
using StackExchange.Redis;

namespace Baton.Cluster.Tests;

/// <summary>A user's audit stream on Redis (<c>{baton}:audit:{user}</c>): what each persisted change was and which silo committed it.</summary>
internal static class AuditTrail
{
    public static async Task<AuditEvent[]> ReadAsync(IDatabase redis, string userId)
    {
        var entries = await redis.StreamRangeAsync($"{{baton}}:audit:{userId}");
        return [.. entries.Select(e =>
        {
            var fields = e.Values.ToDictionary(v => (string)v.Name!, v => (string?)v.Value, StringComparer.Ordinal);
            return new AuditEvent(
                fields.GetValueOrDefault("event") ?? "",
                fields.GetValueOrDefault("kind") ?? "",
                fields.GetValueOrDefault("session"),
                int.TryParse(fields.GetValueOrDefault("generation"), CultureInfo.InvariantCulture, out var generation) ? generation : null,
                fields.GetValueOrDefault("node") ?? "");
        })];
    }

    /// <summary>
    /// The silo port of the silo that committed the user's latest change: where the grain was
    /// active then (it stays there until it is collected or its silo dies). Silo addresses read
    /// <c>S127.0.0.1:port:epoch</c>.
    /// </summary>
    public static async Task<int> LastSiloPortAsync(IDatabase redis, string userId)
    {
        var events = await ReadAsync(redis, userId);
        var node = events.Length > 0 ? events[^1].Node : throw new InvalidOperationException($"{userId} has no audit events.");
        return int.Parse(node.Split(':')[1], CultureInfo.InvariantCulture);
    }
}

internal sealed record AuditEvent(string EventId, string Kind, string? SessionId, int? Generation, string Node);
