using Baton.Core.Audit;
using Baton.Core.Tokens;
using Microsoft.Extensions.Options;

namespace Baton.Api.Sessions;

/// <summary>
/// Follows the revocation feed of the event log into <see cref="RevokedSessions"/>, from
/// <c>now - access token lifetime - skew</c> at start (older sessions' access tokens have expired).
/// It reads whenever an append wakes it (<see cref="RevocationWatcher"/>) and at least every
/// <see cref="PollInterval"/>; a read that fails marks the set behind, and the bearer handler then
/// asks the grains until a read succeeds again (SECURITY.md 35).
/// </summary>
internal sealed class RevocationFollower(
    IRevocationLog log,
    RevokedSessions revoked,
    RevocationWatcher watcher,
    IOptions<TokenOptions> tokens,
    TimeProvider time,
    ILogger<RevocationFollower> logger) : BackgroundService
{
    public static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(1);

    /// <summary>How long one successful read keeps the set current: a few polls, so one slow read does not flap readiness.</summary>
    public static readonly TimeSpan CurrentFor = TimeSpan.FromSeconds(5);

    private const int BatchSize = 1000;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var horizon = tokens.Value.AccessTokenLifetime + tokens.Value.ClockSkew;
        long? cursor = null;
        while (!stoppingToken.IsCancellationRequested)
        {
            var changed = watcher.NextChange; // taken before the read: an append in between still wakes us
            try
            {
                cursor ??= await log.RevocationCursorAtAsync(time.GetUtcNow() - horizon, stoppingToken);
                IReadOnlyList<Revocation> batch;
                do
                {
                    batch = await log.ReadRevocationsAsync(cursor.Value, BatchSize, stoppingToken);
                    foreach (var r in batch)
                    {
                        revoked.Add(r.SessionId, r.Reason, r.At);
                        cursor = r.Cursor;
                    }
                }
                while (batch.Count == BatchSize);

                revoked.MarkCurrent(CurrentFor);
                revoked.Forget(horizon);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                revoked.MarkBehind();
                Log.RevocationFollowerBehind(logger, e);
            }

            await Task.WhenAny(changed, Task.Delay(PollInterval, stoppingToken));
        }
    }
}
