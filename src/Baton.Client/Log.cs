using Microsoft.Extensions.Logging;

namespace Baton.Client;

/// <summary>The client's log messages (event ids 7xx). Never a token: at most the client's name and Baton's codes.</summary>
internal static partial class Log
{
    public const string Category = "Baton.Client";

    [LoggerMessage(701, LogLevel.Debug, "Baton client '{Client}': the session was refreshed")]
    public static partial void Refreshed(ILogger logger, string client);

    [LoggerMessage(702, LogLevel.Information, "Baton client '{Client}': the refresh was refused ({Code}, {Reason}); the session has ended")]
    public static partial void SessionEnded(ILogger logger, string client, string code, string? reason);

    [LoggerMessage(703, LogLevel.Warning, "Baton client '{Client}': the refresh failed with HTTP {Status}; the tokens are kept for the next try")]
    public static partial void RefreshFailed(ILogger logger, string client, int status);

    [LoggerMessage(704, LogLevel.Warning, "Baton client '{Client}': the early refresh failed; the access token is still valid and is used")]
    public static partial void EarlyRefreshFailed(ILogger logger, string client, Exception exception);

    [LoggerMessage(705, LogLevel.Error, "Baton client '{Client}': OnSessionEnded threw")]
    public static partial void CallbackFailed(ILogger logger, string client, Exception exception);
}
