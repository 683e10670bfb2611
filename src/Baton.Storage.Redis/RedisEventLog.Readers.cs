using Baton.Core;
using Baton.Core.Audit;
using Baton.Core.Ledgers;
using StackExchange.Redis;

namespace Baton.Storage.Redis;

public sealed partial class RedisEventLog
{
    /// <inheritdoc />
    public Task<IReadOnlyList<AuditEntry>> ReadAsync(string userId, int limit, CancellationToken cancellationToken) =>
        RedisErrors.RunAsync<IReadOnlyList<AuditEntry>>(async () =>
        {
            var entries = await _database.StreamRangeAsync(AuditKey(userId), "-", "+", limit, Order.Descending);
            return [.. entries.Select(e => ToAuditEntry(userId, e))];
        }, cancellationToken);

    /// <summary>
    /// One batch of the audit purge: the users of the index whose oldest entry is before
    /// <paramref name="before"/>, at most <paramref name="batchSize"/> of them, each trimmed by time in
    /// one script. The trimmed users leave that part of the index, so each batch starts from its
    /// beginning again: positions count the users looked at (<paramref name="after"/> plus this
    /// batch's), and a batch that finds none returns <paramref name="after"/>.
    /// </summary>
    public Task<PurgeBatch> PurgeAuditEventsAsync(DateTimeOffset before, long after, int batchSize, CancellationToken cancellationToken) =>
        RedisErrors.RunAsync(async () =>
        {
            var users = await _database.SortedSetRangeByScoreAsync(_auditUsers, double.NegativeInfinity, Milliseconds(before), Exclude.Stop, take: batchSize);
            if (users.Length == 0)
            {
                return new PurgeBatch(0, after);
            }

            RedisKey[] keys = [_auditUsers, .. users.Select(u => AuditKey(u!))];
            RedisValue[] values = [Milliseconds(before), .. users];
            var deleted = (long)(await _database.ScriptEvaluateAsync(RedisEventLogScripts.PurgeAudit, keys, values))!;
            return new PurgeBatch((int)deleted, after + users.Length);
        }, cancellationToken);

    /// <summary>
    /// One batch of the revocation purge: trims (<c>XTRIM MINID</c>) the oldest entries before
    /// <paramref name="before"/>, at most <paramref name="batchSize"/>, never the newest entry of all
    /// (it carries the feed's cursor). Trimmed entries are gone, so each batch starts at the stream's
    /// head; the position returned is the cursor of the last entry trimmed, or <paramref name="after"/>.
    /// </summary>
    public Task<PurgeBatch> PurgeRevocationsAsync(DateTimeOffset before, long after, int batchSize, CancellationToken cancellationToken) =>
        RedisErrors.RunAsync(async () =>
        {
            var result = (RedisValue[])(await _database.ScriptEvaluateAsync(RedisEventLogScripts.PurgeRevocations, [_revocations], [Milliseconds(before), batchSize]))!;
            var deleted = (int)result[0];
            return deleted == 0 ? new PurgeBatch(0, after) : new PurgeBatch(deleted, RedisStreamCursor.FromStreamId(result[1]!));
        }, cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<Revocation>> ReadRevocationsAsync(long after, int limit, CancellationToken cancellationToken) =>
        RedisErrors.RunAsync<IReadOnlyList<Revocation>>(async () =>
        {
            RedisValue start = after <= 0 ? "-" : "(" + RedisStreamCursor.ToStreamId(after);
            var entries = await _database.StreamRangeAsync(_revocations, start, "+", limit, Order.Ascending);
            return [.. entries.Select(ToRevocation)];
        }, cancellationToken);

    /// <summary>
    /// The cursor just before the first entry whose stream id is at or after <paramref name="since"/>.
    /// An id's time is never before its event's (ids only move forward past a late event), so every
    /// entry of an event at or after <paramref name="since"/> is read from there on.
    /// </summary>
    public Task<long> RevocationCursorAtAsync(DateTimeOffset since, CancellationToken cancellationToken) =>
        RedisErrors.RunAsync(async () =>
        {
            var first = await _database.StreamRangeAsync(_revocations, Milliseconds(since), "+", 1, Order.Ascending);
            return first.Length > 0 ? RedisStreamCursor.FromStreamId(first[0].Id!) - 1 : await LatestAsync();
        }, cancellationToken);

    /// <inheritdoc />
    public Task<long> LatestRevocationAsync(CancellationToken cancellationToken) => RedisErrors.RunAsync(LatestAsync, cancellationToken);

    private async Task<long> LatestAsync()
    {
        var newest = await _database.StreamRangeAsync(_revocations, "-", "+", 1, Order.Descending);
        return newest.Length > 0 ? RedisStreamCursor.FromStreamId(newest[0].Id!) : 0;
    }

    private static long Milliseconds(DateTimeOffset time) => Math.Max(0, time.ToUnixTimeMilliseconds());

    private static AuditEntry ToAuditEntry(string userId, StreamEntry entry) => new(
        userId,
        Enum.Parse<LedgerEventKind>(entry["kind"]!),
        entry["session"]!,
        (int)entry["generation"],
        entry["reason"] is { IsNull: false } reason ? Enum.Parse<EndReason>(reason!) : null,
        entry["ip"] is { IsNull: false } ip ? (string?)ip : null,
        entry["ua"] is { IsNull: false } userAgent ? (string?)userAgent : null,
        entry["node"]!,
        DateTimeOffset.FromUnixTimeMilliseconds((long)entry["at"]));

    private static Revocation ToRevocation(StreamEntry entry) => new(
        RedisStreamCursor.FromStreamId(entry.Id!),
        entry["user"]!,
        entry["session"]!,
        Enum.Parse<EndReason>(entry["reason"]!),
        DateTimeOffset.FromUnixTimeMilliseconds((long)entry["at"]));
}
