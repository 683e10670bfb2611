using System.Globalization;
using Baton.Core.Audit;
using Baton.Core.Ledgers;
using StackExchange.Redis;

namespace Baton.Storage.Redis;

/// <summary>
/// The grains' event log on Redis Streams (DESIGN.md §7): each user's audit entries in a stream of
/// their own (<c>{prefix}:audit:{user}</c>, so reading one user's newest entries is one
/// <c>XREVRANGE</c>), ended sessions also in one revocation stream (<c>{prefix}:revocations</c>) whose
/// ids are the feed's cursors (<see cref="RedisStreamCursor"/>). One append is one Lua script (appends that queue
/// while a call is in flight share the next call, see <see cref="RedisAppendBatcher"/>) that
/// compares each event's <see cref="LoggedEvent.Sequence"/> with its producer's highest delivered one
/// (one hash field per producer grain: a user's session grain, their identities grain) in the same script as its <c>XADD</c>s, so a repeated delivery is
/// dropped even when two deliveries race, and what the log remembers for that grows with users, not events. Stream ids follow the events' time and never go
/// back, so retention trims by age (<c>XTRIM MINID</c>) and a follower starts from a time by
/// <c>XRANGE</c>. An append that adds revocations publishes a notice that
/// <see cref="WaitForRevocationsAsync"/> wakes on. Redis outages surface as
/// <see cref="Core.Storage.StoreUnavailableException"/>. The multiplexer is the caller's (it may be
/// the one Orleans' Redis providers share); the log does not dispose it.
/// </summary>
public sealed partial class RedisEventLog : IEventLog, IAuditLog, IRevocationLog, IAsyncDisposable
{
    private readonly IConnectionMultiplexer _connection;
    private readonly IDatabase _database;
    private readonly string _prefix;
    private readonly RedisKey _revocations;
    private readonly RedisKey _auditUsers;
    private readonly RedisChannel _notices;
    private readonly RedisKey _delivered;
    private readonly int _auditPerUser;
    private readonly RedisAppendBatcher _appends;
    private readonly SemaphoreSlim _subscribing = new(1, 1);
    private TaskCompletionSource _signal = NewSignal();
    private bool _subscribed;
    private bool _disposed;

    /// <summary>Creates the log on <paramref name="connection"/>.</summary>
    public RedisEventLog(IConnectionMultiplexer connection, RedisEventLogOptions options)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(options);
        if (string.IsNullOrEmpty(options.KeyPrefix) || options.KeyPrefix.AsSpan().IndexOfAny('{', '}') >= 0)
        {
            throw new ArgumentException("RedisEventLogOptions.KeyPrefix must be a non-empty string without braces.", nameof(options));
        }

        if (options.AuditEntriesPerUser < 1)
        {
            throw new ArgumentException("RedisEventLogOptions.AuditEntriesPerUser must be at least 1.", nameof(options));
        }

        _connection = connection;
        _database = connection.GetDatabase();
        _prefix = $"{{{options.KeyPrefix}}}";
        _revocations = $"{_prefix}:revocations";
        _auditUsers = $"{_prefix}:audit-users";
        _notices = RedisChannel.Literal($"{_prefix}:revocations:appended");
        _delivered = $"{_prefix}:delivered";
        _auditPerUser = options.AuditEntriesPerUser;
        _appends = new RedisAppendBatcher(SendAsync);
        _connection.ConnectionRestored += OnConnectionRestored;
    }

    /// <inheritdoc />
    /// <remarks>
    /// Appends of all grains of this process are group-committed (<see cref="RedisAppendBatcher"/>):
    /// those that queue while one script call is in flight go out together in the next, in the order
    /// they were queued. A failed call fails every append it carried.
    /// </remarks>
    public async Task AppendAsync(IReadOnlyList<LoggedEvent> events, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(events);
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (events.Count > 0)
        {
            await _appends.AppendAsync(Encode(events), cancellationToken);
        }
    }

    /// <summary>The script's keys and arguments for <paramref name="events"/>; refuses an event without sequence.</summary>
    private RedisAppend Encode(IReadOnlyList<LoggedEvent> events)
    {
        var keys = new RedisKey[events.Count];
        var values = new List<RedisValue>(events.Count * 24);
        for (var i = 0; i < events.Count; i++)
        {
            var (id, producer, sequence, e) = events[i];
            if (sequence <= 0)
            {
                throw new ArgumentException($"Event {id} has no sequence: the Redis log drops repeats by each producer's highest sequence.", nameof(events));
            }

            keys[i] = AuditKey(e.UserId);
            var at = Math.Max(0, e.At.ToUnixTimeMilliseconds());
            values.Add(at);
            values.Add(e.UserId);
            values.Add(producer);
            values.Add(sequence);
            AddFields(values, AuditFields(id, e, at));
            AddFields(values, e is { Kind: LedgerEventKind.SessionEnded, Reason: { } reason }
                ? [("event", id), ("user", e.UserId), ("session", e.SessionId), ("reason", reason.ToString()), ("at", at)]
                : []);
        }

        return new RedisAppend(keys, [.. values]);
    }

    /// <summary>
    /// One script call for a batch of appends, their events in order. Every key carries the
    /// <c>{prefix}</c> hash tag, so a batch stays on one Redis Cluster slot.
    /// </summary>
    private async Task SendAsync(IReadOnlyList<RedisAppend> batch, CancellationToken cancellationToken)
    {
        var (events, arguments) = (0, 0);
        foreach (var append in batch)
        {
            events += append.Count;
            arguments += append.Values.Length;
        }

        var keys = new RedisKey[3 + events];
        keys[0] = _revocations;
        keys[1] = _auditUsers;
        keys[2] = _delivered;
        var values = new RedisValue[3 + arguments];
        values[0] = _notices.ToString();
        values[1] = events;
        values[2] = _auditPerUser;
        var (k, v) = (3, 3);
        foreach (var append in batch)
        {
            append.AuditKeys.CopyTo(keys, k);
            append.Values.CopyTo(values, v);
            (k, v) = (k + append.Count, v + append.Values.Length);
        }

        var result = await RedisErrors.RunAsync(() => _database.ScriptEvaluateAsync(RedisEventLogScripts.Append, keys, values), cancellationToken);
        if (!((RedisValue[])result!)[1].IsNullOrEmpty)
        {
            Signal(); // a waiter in this process need not wait for the notice to come back
        }
    }

    /// <summary>
    /// Waits until the revocation feed has an entry after <paramref name="after"/> or
    /// <paramref name="timeout"/> has passed, for the API's long poll and the revocation follower.
    /// Wakes on the notice an append publishes (pub/sub, on the multiplexer's subscription
    /// connection: a blocking <c>XREAD</c> would hold a multiplexer's only connection), and reads the
    /// feed's newest cursor before every wait, so an append between a read and the wait, a lost
    /// notice or a reconnection never keeps a waiter asleep past an entry that is there.
    /// </summary>
    /// <returns>True when the feed has an entry after <paramref name="after"/>; false when the time ran out first.</returns>
    public async Task<bool> WaitForRevocationsAsync(long after, TimeSpan timeout, CancellationToken cancellationToken)
    {
        await SubscribeAsync(cancellationToken);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        while (true)
        {
            var changed = Volatile.Read(ref _signal).Task; // taken before the read: a notice in between still wakes us
            if (await LatestRevocationAsync(cancellationToken) > after)
            {
                return true;
            }

            try
            {
                await changed.WaitAsync(deadline.Token);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                return await LatestRevocationAsync(cancellationToken) > after;
            }
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        await _appends.DisposeAsync();
        _connection.ConnectionRestored -= OnConnectionRestored;
        if (_subscribed)
        {
            try
            {
                await _connection.GetSubscriber().UnsubscribeAsync(_notices, OnNotice);
            }
            catch (RedisConnectionException)
            {
                // The connection is gone, and the subscription with it.
            }
        }

        _subscribing.Dispose();
        Signal();
    }

    private RedisKey AuditKey(string userId) => $"{_prefix}:audit:{userId}";

    private static List<(string Name, RedisValue Value)> AuditFields(string id, AuditEntry e, long at)
    {
        var fields = new List<(string, RedisValue)>(10)
        {
            ("event", id),
            ("user", e.UserId),
            ("kind", e.Kind.ToString()),
            ("session", e.SessionId),
            ("generation", e.Generation),
        };
        if (e.Reason is { } reason)
        {
            fields.Add(("reason", reason.ToString()));
        }

        if (e.IpAddress is { } ip)
        {
            fields.Add(("ip", ip));
        }

        if (e.UserAgent is { } userAgent)
        {
            fields.Add(("ua", userAgent));
        }

        fields.Add(("node", e.Node));
        fields.Add(("at", at.ToString(CultureInfo.InvariantCulture)));
        return fields;
    }

    private static void AddFields(List<RedisValue> values, List<(string Name, RedisValue Value)> fields)
    {
        values.Add(fields.Count);
        foreach (var (name, value) in fields)
        {
            values.Add(name);
            values.Add(value);
        }
    }

    private async Task SubscribeAsync(CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _subscribed))
        {
            return;
        }

        await _subscribing.WaitAsync(cancellationToken);
        try
        {
            if (!_subscribed)
            {
                await RedisErrors.RunAsync(async () =>
                {
                    await _connection.GetSubscriber().SubscribeAsync(_notices, OnNotice);
                    return true;
                }, cancellationToken);
                Volatile.Write(ref _subscribed, true);
            }
        }
        finally
        {
            _subscribing.Release();
        }
    }

    /// <summary>
    /// Raised with the revocations of every append on any node, as its notice arrives (the
    /// subscription starts with the first <see cref="WaitForRevocationsAsync"/>): a follower's fast
    /// path, a few hops shorter than waking and reading the stream. The stream stays the record: a
    /// notice can be lost, and a follower reads every entry from the stream anyway.
    /// </summary>
    public event Action<IReadOnlyList<Revocation>>? RevocationsNoticed;

    private void OnNotice(RedisChannel channel, RedisValue value)
    {
        if (RevocationsNoticed is { } noticed && NoticedRevocations(value) is { Count: > 0 } revocations)
        {
            noticed(revocations);
        }

        Signal();
    }

    /// <summary>The revocations a notice carries; none for a notice it cannot read (a waiter reads the stream then).</summary>
    internal static IReadOnlyList<Revocation> NoticedRevocations(RedisValue notice)
    {
        try
        {
            using var document = System.Text.Json.JsonDocument.Parse((string)notice!);
            if (document.RootElement.ValueKind != System.Text.Json.JsonValueKind.Array)
            {
                return [];
            }

            return [.. document.RootElement.EnumerateArray().Select(e => new Revocation(
                RedisStreamCursor.FromStreamId(e.GetProperty("id").GetString()!),
                e.GetProperty("user").GetString()!,
                e.GetProperty("session").GetString()!,
                Enum.Parse<Core.EndReason>(e.GetProperty("reason").GetString()!),
                DateTimeOffset.FromUnixTimeMilliseconds(long.Parse(e.GetProperty("at").GetString()!, CultureInfo.InvariantCulture))))];
        }
        catch (Exception e) when (e is System.Text.Json.JsonException or KeyNotFoundException or InvalidOperationException or FormatException or ArgumentException)
        {
            return [];
        }
    }

    // Notices published while the subscription was down are lost: every waiter reads the feed again.
    private void OnConnectionRestored(object? sender, ConnectionFailedEventArgs e) => Signal();

    private void Signal() => Interlocked.Exchange(ref _signal, NewSignal()).TrySetResult();

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
