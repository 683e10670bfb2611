using System.Text.Json;
using StackExchange.Redis;

namespace Baton.Cluster.Tests;

/// <summary>
/// A user's ledger as Redis holds it (DESIGN.md §7: the grain state is the ledger's JSON in the hash
/// <c>baton/state/usersession/{user}/ledger</c>, field <c>data</c>), read behind the cluster's back.
/// </summary>
internal sealed record StoredLedger(long Version, IReadOnlyList<StoredSession> Sessions)
{
    public IEnumerable<StoredSession> Active => Sessions.Where(s => s.EndedAt is null);

    public StoredSession Session(string id) =>
        Sessions.SingleOrDefault(s => s.Id == id) ?? throw new InvalidOperationException($"The stored ledger holds no session {id}.");

    public static async Task<StoredLedger?> ReadAsync(IDatabase redis, string userId)
    {
        var data = await redis.HashGetAsync($"baton/state/usersession/{userId}/ledger", "data");
        if (data.IsNullOrEmpty)
        {
            return null;
        }

        using var document = JsonDocument.Parse((string)data!);
        var root = document.RootElement;
        var sessions = root.GetProperty("ledger").TryGetProperty("sessions", out var list)
            ? list.EnumerateArray().Select(s => new StoredSession(
                s.GetProperty("id").GetString()!,
                s.GetProperty("generation").GetInt32(),
                s.GetProperty("currentJti").GetString()!,
                s.TryGetProperty("endedAt", out var ended) && ended.ValueKind == JsonValueKind.String ? ended.GetString() : null,
                s.TryGetProperty("endReason", out var reason) && reason.ValueKind != JsonValueKind.Null ? reason.ToString() : null)).ToArray()
            : [];
        return new StoredLedger(root.GetProperty("version").GetInt64(), sessions);
    }

    public static async Task<StoredLedger> ReadExistingAsync(IDatabase redis, string userId) =>
        await ReadAsync(redis, userId) ?? throw new InvalidOperationException($"Redis holds no ledger for {userId}.");
}

internal sealed record StoredSession(string Id, int Generation, string CurrentJti, string? EndedAt, string? EndReason);
