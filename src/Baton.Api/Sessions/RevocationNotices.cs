using Baton.Storage.Redis;

namespace Baton.Api.Sessions;

/// <summary>
/// The fast path of the revocation feed on Redis: every append on any node publishes the sessions
/// it ended, which go straight into this front's <see cref="RevokedSessions"/> as the notice
/// arrives (so a kick on another front is refused here a pub/sub hop after it was stored), and wake
/// this front's readers of the feed (<see cref="RevocationFollower"/>, long polls). The follower
/// still reads every entry from the stream; a lost notice costs at most one
/// <see cref="RevocationFollower.PollInterval"/>.
/// </summary>
internal sealed class RevocationNotices(RedisEventLog log, RevokedSessions revoked, RevocationWatcher watcher, ILogger<RevocationNotices> logger) : BackgroundService
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        log.RevocationsNoticed += Remember;
        try
        {
            await FollowNoticesAsync(stoppingToken);
        }
        finally
        {
            log.RevocationsNoticed -= Remember;
        }
    }

    private void Remember(IReadOnlyList<Core.Audit.Revocation> noticed)
    {
        foreach (var r in noticed)
        {
            revoked.Add(r.SessionId, r.Reason, r.At);
        }
    }

    private async Task FollowNoticesAsync(CancellationToken stoppingToken)
    {
        long seen = -1;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (seen < 0)
                {
                    seen = await log.LatestRevocationAsync(stoppingToken);
                }

                if (await log.WaitForRevocationsAsync(seen, Wait, stoppingToken))
                {
                    watcher.Signal();
                    seen = await log.LatestRevocationAsync(stoppingToken);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                // Redis is away: the follower marks the set behind on its own failed reads; try again shortly.
                Log.RevocationNoticesFailed(logger, e);
                seen = -1;
                await Task.Delay(RevocationFollower.PollInterval, stoppingToken);
            }
        }
    }
}
