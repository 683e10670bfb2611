using Baton.Core.Audit;
using Baton.Core.Tokens;
using Baton.Api.Diagnostics;
using Baton.Api.Options;
using Microsoft.Extensions.Options;

namespace Baton.Api.Hosting;

/// <summary>
/// Deletes audit events and revocation feed entries past their retention, on every node on a
/// schedule (<see cref="RetentionOptions"/>): first a few minutes after start-up (so that nodes
/// restarted more often than the interval still sweep), then once per interval. Nodes sweeping
/// at the same time do no harm: a delete of rows another node already deleted deletes nothing.
/// </summary>
internal sealed class RetentionSweeper(
    IAuditLog audit,
    IRevocationLog revocations,
    IOptions<RetentionOptions> options,
    IOptions<TokenOptions> tokens,
    TimeProvider time,
    ILogger<RetentionSweeper> logger) : BackgroundService
{
    /// <summary>The pause between two batches, so that a sweep catching up on a large table leaves the store to requests.</summary>
    private static readonly TimeSpan BatchPause = TimeSpan.FromMilliseconds(20);

    /// <summary>How long after start-up the first sweep runs (plus up to a minute, to spread nodes started together).</summary>
    private static readonly TimeSpan FirstSweepAfter = TimeSpan.FromMinutes(5);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = options.Value.Interval;
        var first = interval < FirstSweepAfter ? interval : FirstSweepAfter + TimeSpan.FromSeconds(Random.Shared.Next(60));
        await Task.Delay(first, time, stoppingToken);
        using var timer = new PeriodicTimer(interval, time);
        do
        {
            try
            {
                await SweepAsync(stoppingToken);
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                // Whatever went wrong (an outage, a statement the store refused), the next sweep tries
                // again; an exception escaping a BackgroundService would stop the whole host.
                Log.RetentionSweepFailed(logger, e);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    /// <summary>One sweep: deletes everything past retention, a batch at a time.</summary>
    public async Task<RetentionSweep> SweepAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var now = time.GetUtcNow();
        var auditEvents = settings.AuditEvents > TimeSpan.Zero
            ? await PurgeAsync(audit.PurgeAuditEventsAsync, now - settings.AuditEvents, settings.BatchSize, cancellationToken)
            : 0;
        // An entry must outlive every access token of the session it ended, or a resource server
        // following the feed from a cursor could miss why to refuse one that is still unexpired.
        var keepRevocations = Max(settings.Revocations, tokens.Value.AccessTokenLifetime + tokens.Value.ClockSkew);
        var feedEntries = await PurgeAsync(revocations.PurgeRevocationsAsync, now - keepRevocations, settings.BatchSize, cancellationToken);
        ServerMetrics.RetentionDeleted(auditEvents, feedEntries);
        if (auditEvents + feedEntries > 0)
        {
            Log.RetentionSwept(logger, auditEvents, feedEntries);
        }

        return new RetentionSweep(auditEvents, feedEntries);
    }

    /// <summary>Batches from the oldest row on, until one deletes nothing (rows are in write order, which follows time).</summary>
    private static async Task<long> PurgeAsync(Func<DateTimeOffset, long, int, CancellationToken, Task<PurgeBatch>> purge, DateTimeOffset before, int batchSize, CancellationToken cancellationToken)
    {
        long total = 0;
        var after = 0L;
        while (true)
        {
            var batch = await purge(before, after, batchSize, cancellationToken);
            if (batch.Deleted == 0)
            {
                return total;
            }

            total += batch.Deleted;
            after = batch.Next;
            // Real time, not the injected clock: the pause is for the store's load, not a moment in
            // Baton's time, and a clock that only moves when told (a test's) must not stall a sweep.
            await Task.Delay(BatchPause, cancellationToken);
        }
    }

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;
}

/// <summary>What one retention sweep deleted.</summary>
internal sealed record RetentionSweep(long AuditEvents, long Revocations);
