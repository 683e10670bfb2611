using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Baton.AspNetCore;

/// <summary>Follows Baton's <c>/v1/revocations</c> long poll and records ended sessions.</summary>
internal sealed partial class RevocationFollower(
    IOptions<BatonAuthenticationOptions> options, RevokedSessions revoked, TimeProvider time, ILogger<RevocationFollower> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        if (string.IsNullOrEmpty(settings.ApiKey))
        {
            return;
        }

        using var http = settings.BackchannelHandler is { } handler ? new HttpClient(handler, disposeHandler: false) : new HttpClient();
        http.BaseAddress = new Uri(settings.Authority.TrimEnd('/') + "/");
        http.Timeout = settings.PollWait + TimeSpan.FromSeconds(10);
        http.DefaultRequestHeaders.Add("X-Api-Key", settings.ApiKey);
        var since = (time.GetUtcNow() - settings.CatchUp).ToUnixTimeSeconds();
        long? cursor = null;
        var backoff = TimeSpan.FromMilliseconds(200);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var query = cursor is { } after
                    ? $"v1/revocations?after={after}&wait={(int)settings.PollWait.TotalSeconds}"
                    : $"v1/revocations?since={since.ToString(CultureInfo.InvariantCulture)}&wait=0";
                var page = await http.GetFromJsonAsync<Page>(query, stoppingToken) ?? throw new HttpRequestException("Empty answer from the revocation feed.");
                foreach (var entry in page.Revocations)
                {
                    revoked.Add(entry.Sid);
                }

                cursor = page.Cursor;
                revoked.MarkCurrent(true);
                revoked.Forget(settings.Retention);
                backoff = TimeSpan.FromMilliseconds(200);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException or System.Text.Json.JsonException)
            {
                revoked.MarkCurrent(false);
                if (stoppingToken.IsCancellationRequested)
                {
                    return;
                }

                FeedFailed(logger, e);
                await Task.Delay(backoff, time, stoppingToken);
                backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, TimeSpan.FromSeconds(5).Ticks));
            }
        }
    }

    [LoggerMessage(1, LogLevel.Warning, "The Baton revocation feed could not be read; retrying")]
    private static partial void FeedFailed(ILogger logger, Exception exception);

    private sealed record Page([property: JsonPropertyName("cursor")] long Cursor, [property: JsonPropertyName("revocations")] Entry[] Revocations);

    private sealed record Entry([property: JsonPropertyName("sid")] string Sid);
}
