using Baton.Core.Tokens;
using Microsoft.Extensions.Options;

namespace Baton.Api.Hosting;

/// <summary>
/// Re-reads the shared key ring on a schedule, so every node verifies with keys another node
/// added, and does the ring's upkeep (rotation, retirement, deletion; see <see cref="SigningKeys"/>).
/// </summary>
internal sealed class KeyRingRefresher(SigningKeys keys, IOptions<TokenOptions> options, TimeProvider time, ILogger<KeyRingRefresher> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.KeyRefreshInterval, time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await keys.ReloadAsync(stoppingToken);
                await keys.MaintainAsync(stoppingToken);
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                // Keep the current ring; the next tick tries again. An exception escaping a
                // BackgroundService would stop the whole host.
                Log.KeyRingReloadFailed(logger, e);
            }
        }
    }
}
