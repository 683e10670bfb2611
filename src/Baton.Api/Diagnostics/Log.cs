namespace Baton.Api;

/// <summary>
/// Every log line Baton writes, source-generated. Event ids: 1xx sessions and auth, 2xx
/// accounts, 3xx start-up and keys, 9xx failures. No raw token is ever logged; see <see cref="TokenFingerprint"/>.
/// </summary>
internal static partial class Log
{
    public const string Category = "Baton.Api";

    [LoggerMessage(101, LogLevel.Information, "Session {SessionId} started for user {UserId}")]
    public static partial void SessionStarted(ILogger logger, string userId, string sessionId);

    [LoggerMessage(102, LogLevel.Information, "Login refused: {Code}")]
    public static partial void LoginRefused(ILogger logger, string code);

    [LoggerMessage(103, LogLevel.Information, "Refresh refused: {Code} ({Reason}), token {TokenFingerprint}")]
    public static partial void RefreshRefused(ILogger logger, string code, string? reason, string tokenFingerprint);

    [LoggerMessage(104, LogLevel.Warning, "User {UserId} kicked: {Count} sessions ended")]
    public static partial void UserKicked(ILogger logger, string userId, int count);

    [LoggerMessage(105, LogLevel.Warning, "User {UserId} locked: {Count} sessions ended")]
    public static partial void UserLocked(ILogger logger, string userId, int count);

    [LoggerMessage(106, LogLevel.Warning, "User {UserId} unlocked")]
    public static partial void UserUnlocked(ILogger logger, string userId);

    [LoggerMessage(107, LogLevel.Warning, "User {UserId} deleted: {Count} sessions ended")]
    public static partial void UserDeleted(ILogger logger, string userId, int count);

    [LoggerMessage(120, LogLevel.Information, "External sign-in through {Provider} started session {SessionId} for user {UserId}")]
    public static partial void ExternalSignIn(ILogger logger, string provider, string userId, string sessionId);

    [LoggerMessage(121, LogLevel.Information, "External sign-in through {Provider} refused: {Code}")]
    public static partial void ExternalSignInRefused(ILogger logger, string provider, string code);

    [LoggerMessage(122, LogLevel.Warning, "A call to provider {Provider} failed: {Failure}")]
    public static partial void ProviderCallFailed(ILogger logger, string provider, string failure);

    [LoggerMessage(123, LogLevel.Warning, "Provider {Provider} sent an id_token that failed validation: {Failure}")]
    public static partial void IdTokenRefused(ILogger logger, string provider, string failure);

    [LoggerMessage(124, LogLevel.Information, "User {UserId}: identity of {Provider} {Change}")]
    public static partial void IdentityChanged(ILogger logger, string userId, string provider, string change);

    [LoggerMessage(210, LogLevel.Information, "Password change refused: {Code}")]
    public static partial void PasswordChangeRefused(ILogger logger, string code);

    [LoggerMessage(211, LogLevel.Warning, "Session {SessionId} of user {UserId} ended: its wrong current passwords locked the account")]
    public static partial void GuessingSessionEnded(ILogger logger, string userId, string sessionId);

    [LoggerMessage(304, LogLevel.Information, "Retention sweep deleted {AuditEvents} audit events and {Revocations} revocation feed entries")]
    public static partial void RetentionSwept(ILogger logger, long auditEvents, long revocations);

    [LoggerMessage(301, LogLevel.Information, "Generated {Purpose} signing key {Kid} ({Algorithm})")]
    public static partial void KeyGenerated(ILogger logger, string purpose, string kid, string algorithm);

    [LoggerMessage(302, LogLevel.Information, "Admin account {Username} ensured from configuration")]
    public static partial void AdminBootstrapped(ILogger logger, string username);

    [LoggerMessage(306, LogLevel.Warning, "Moved {Users} accounts and {Keys} signing keys from the file's old tables into grains")]
    public static partial void LegacyAccountsImported(ILogger logger, int users, int keys);

    [LoggerMessage(303, LogLevel.Warning, "The key ring could not be reloaded; keeping the current one")]
    public static partial void KeyRingReloadFailed(ILogger logger, Exception exception);

    [LoggerMessage(901, LogLevel.Warning, "Store unavailable while handling {Path}")]
    public static partial void StoreUnavailable(ILogger logger, string path, Exception exception);

    [LoggerMessage(903, LogLevel.Warning, "The retention sweep failed; the next one tries again")]
    public static partial void RetentionSweepFailed(ILogger logger, Exception exception);

    [LoggerMessage(904, LogLevel.Warning, "A grain call failed ({Failure}); answering 503")]
    public static partial void GrainUnavailable(ILogger logger, string failure, Exception exception);

    [LoggerMessage(905, LogLevel.Warning, "The revocation follower could not read the feed; asking the grains until it can")]
    public static partial void RevocationFollowerBehind(ILogger logger, Exception exception);

    [LoggerMessage(906, LogLevel.Warning, "The revocation stream's notices could not be followed; the follower polls until they can")]
    public static partial void RevocationNoticesFailed(ILogger logger, Exception exception);

    [LoggerMessage(902, LogLevel.Error, "Unhandled error while handling {Path}")]
    public static partial void Unhandled(ILogger logger, string path, Exception exception);
}
