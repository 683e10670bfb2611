using Baton.Core.Audit;
using Baton.Core.Engine;
using Baton.Core.Tokens;
using Baton.Server.Diagnostics;
using Baton.Server.Options;
using Microsoft.Extensions.Options;

namespace Baton.Server.Hosting;

/// <summary>
/// Deletes audit events and revocation feed entries past their retention, on every node on a
/// schedule (<see cref="RetentionOptions"/>). Every node may sweep at the same time: a delete of
/// rows another node already deleted deletes nothing.
/// </summary>
internal sealed class RetentionSweeper(
    IAuditLog audit,
    IRevocationLog revocations,
    IOptions<RetentionOptions> options,
    IOptions<TokenOptions> tokens,
    TimeProvider time,
    ILogger<RetentionSweeper> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.Interval, time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await SweepAsync(stoppingToken);
            }
            catch (StoreUnavailableException e)
            {
                Log.RetentionSweepFailed(logger, e);
            }
        }
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

    private static async Task<long> PurgeAsync(Func<DateTimeOffset, int, CancellationToken, Task<int>> purge, DateTimeOffset before, int batchSize, CancellationToken cancellationToken)
    {
        long total = 0;
        int deleted;
        do
        {
            deleted = await purge(before, batchSize, cancellationToken);
            total += deleted;
        }
        while (deleted > 0);
        return total;
    }

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;
}

/// <summary>What one retention sweep deleted.</summary>
internal sealed record RetentionSweep(long AuditEvents, long Revocations);
