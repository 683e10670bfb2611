using Baton.Storage.Redis;

namespace Baton.Api.Sessions;

/// <summary>
/// Wakes this front's readers of the revocation feed (<see cref="RevocationFollower"/>, long polls)
/// when any node appends to the Redis stream: the stream's notice arrives over pub/sub within a
/// millisecond, so a kick on another front is refused here without waiting for the follower's poll.
/// A lost notice costs at most one <see cref="RevocationFollower.PollInterval"/>.
/// </summary>
internal sealed class RevocationNotices(RedisEventLog log, RevocationWatcher watcher, ILogger<RevocationNotices> logger) : BackgroundService
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
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
