using System.Globalization;
using Baton.Core.Engine;
using Npgsql;

namespace Baton.Storage.Postgres;

/// <summary>
/// One LISTEN connection per node: each <c>user:version</c> notice tells the node's
/// <see cref="LedgerCache"/> that its copy of that ledger may be stale (invariant I8). While the
/// connection is down, notices are being missed, so the cache is suspended (dropped, and reads go
/// to the store) until LISTEN is back; reconnection backs off exponentially with jitter.
/// </summary>
public sealed class PostgresChangeFeed : IAsyncDisposable
{
    /// <summary>The meter of the feed's instruments.</summary>
    public const string MeterName = "Baton.Storage.Postgres";

    private static readonly System.Diagnostics.Metrics.Meter Meter = new(MeterName);
    private static readonly System.Diagnostics.Metrics.Counter<long> ReconnectCounter =
        Meter.CreateCounter<long>("baton.feed.reconnects", description: "Times the change feed's LISTEN connection was lost and re-established.");
    private static readonly System.Diagnostics.Metrics.Counter<long> NoticeCounter =
        Meter.CreateCounter<long>("baton.feed.notices", description: "Ledger change notices received.");

    private readonly string _connectionString;
    private readonly LedgerCache _cache;
    private readonly PostgresStoreOptions _options;
    private readonly CancellationTokenSource _stopping = new();
    private Task _loop = Task.CompletedTask;
    private volatile bool _connected;
    private long _reconnects;
    private long _notices;

    /// <summary>Creates the feed; nothing happens until <see cref="Start"/>.</summary>
    public PostgresChangeFeed(PostgresStoreOptions options, LedgerCache cache)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        _cache = cache ?? throw new ArgumentNullException(nameof(cache));
        _connectionString = new NpgsqlConnectionStringBuilder(options.ConnectionString)
        {
            // Its own pool of one, never shared with the store's; keepalives notice a dead server while idle.
            Pooling = false,
            KeepAlive = 5,
            ApplicationName = "baton-feed",
        }.ConnectionString;
    }

    /// <summary>True while LISTEN is established and notices are flowing.</summary>
    public bool IsConnected => _connected;

    /// <summary>How many times the connection was lost after being established.</summary>
    public long Reconnects => Interlocked.Read(ref _reconnects);

    /// <summary>How many notices arrived and were applied to the cache.</summary>
    public long Notices => Interlocked.Read(ref _notices);

    /// <summary>Raised when any node appended to the revocation feed.</summary>
    public event Action? RevocationsAppended;

    /// <summary>The last connection failure, for diagnostics.</summary>
    public Exception? LastError { get; private set; }

    /// <summary>Starts listening in the background. The cache stays suspended until the first LISTEN succeeds.</summary>
    public void Start()
    {
        _cache.Suspend();
        _loop = Task.Run(() => RunAsync(_stopping.Token));
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        try
        {
            await _loop.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }

        _stopping.Dispose();
    }

    private async Task RunAsync(CancellationToken stopping)
    {
        var backoff = _options.FeedInitialBackoff;
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                await ListenAsync(() => backoff = _options.FeedInitialBackoff, stopping).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (PostgresErrors.IsUnavailable(e) || e is InvalidOperationException)
            {
                LastError = e;
            }

            var jitter = Random.Shared.NextDouble() * 0.5 + 0.75;
            try
            {
                await Task.Delay(backoff * jitter, stopping).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, _options.FeedMaxBackoff.Ticks));
        }
    }

    private async Task ListenAsync(Action onConnected, CancellationToken stopping)
    {
        await using var connection = new NpgsqlConnection(_connectionString);
        connection.Notification += (_, e) =>
        {
            if (e.Channel == PostgresStore.RevocationChannel)
            {
                RevocationsAppended?.Invoke();
            }
            else
            {
                OnNotice(e.Payload);
            }
        };
        try
        {
            await connection.OpenAsync(stopping).ConfigureAwait(false);
            await using (var listen = new NpgsqlCommand($"LISTEN {PostgresStore.Channel}; LISTEN {PostgresStore.RevocationChannel}", connection))
            {
                await listen.ExecuteNonQueryAsync(stopping).ConfigureAwait(false);
            }

            // Only now are notices guaranteed: anything cached before this point was dropped by Suspend.
            _connected = true;
            _cache.Resume();
            onConnected();
            RevocationsAppended?.Invoke(); // entries may have been appended while the feed was down
            while (true)
            {
                await connection.WaitAsync(stopping).ConfigureAwait(false);
            }
        }
        finally
        {
            if (_connected)
            {
                _connected = false;
                _cache.Suspend();
                Interlocked.Increment(ref _reconnects);
                ReconnectCounter.Add(1);
            }
        }
    }

    /// <summary>One notice carries one or more <c>user:version</c> lines (batched after commit).</summary>
    private void OnNotice(string payload)
    {
        foreach (var line in payload.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var separator = line.LastIndexOf(':');
            if (separator > 0 && long.TryParse(line.AsSpan(separator + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var version))
            {
                _cache.OnChanged(line[..separator], version);
            }

            // Counted once applied, so that whoever sees the count has also seen the cache change.
            Interlocked.Increment(ref _notices);
            NoticeCounter.Add(1);
        }
    }
}
