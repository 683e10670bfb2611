using Microsoft.Extensions.Logging;

namespace Baton.Grains;

/// <summary>Every log line the grains write, source-generated. Event ids: 5xx user session grain, 6xx account and key ring grains.</summary>
internal static partial class Log
{
    [LoggerMessage(501, LogLevel.Warning, "User {UserId}: the session state could not be written; the change was not made")]
    public static partial void StateWriteFailed(ILogger logger, string userId, Exception exception);

    [LoggerMessage(502, LogLevel.Warning, "User {UserId}: another activation wrote the session state (stale ETag); this activation deactivates and the call is refused for a retry")]
    public static partial void StaleActivation(ILogger logger, string userId);

    [LoggerMessage(503, LogLevel.Warning, "User {UserId}: {Count} events stay in the outbox, the event log refused them; they go with the next call or activation")]
    public static partial void EventLogAppendFailed(ILogger logger, string userId, int count, Exception exception);

    [LoggerMessage(601, LogLevel.Warning, "{Grain}: the state could not be written; the change was not made")]
    public static partial void GrainStateWriteFailed(ILogger logger, string grain, Exception exception);

    [LoggerMessage(602, LogLevel.Warning, "{Grain}: another activation wrote the state (stale ETag); this activation deactivates and the call is refused for a retry")]
    public static partial void StaleGrainState(ILogger logger, string grain);
}
