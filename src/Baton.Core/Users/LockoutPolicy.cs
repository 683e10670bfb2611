namespace Baton.Core.Users;

/// <summary>
/// How failed logins lock a username out, the same for accounts and for usernames without one (so
/// that the answers to guesses never tell them apart). Section <c>Baton:Accounts</c>; bound by the
/// silo (the account grains decide), validated at the API's start.
/// </summary>
public sealed class LockoutPolicy
{
    /// <summary>The configuration section (the accounts' section, shared with the API's account options).</summary>
    public const string SectionName = "Baton:Accounts";

    /// <summary>Consecutive failed logins that lock an account. Default 10.</summary>
    public int MaxFailedLogins { get; set; } = 10;

    /// <summary>How long a lockout lasts. Default 15 minutes.</summary>
    public TimeSpan LockoutDuration { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>
    /// Unknown usernames whose failed logins each silo counts (so that they lock out like real
    /// accounts); beyond this the least recently guessed one is forgotten. Default 100,000.
    /// </summary>
    public int TrackedUnknownUsernames { get; set; } = 100_000;

    /// <summary>
    /// One more failure after <paramref name="failedCount"/> at <paramref name="now"/>: the new count,
    /// and the lockout's end when this failure reached the limit (the count then restarts).
    /// </summary>
    public (int FailedCount, DateTimeOffset? LockedUntil) Fail(int failedCount, DateTimeOffset now) =>
        failedCount + 1 >= MaxFailedLogins ? (0, now + LockoutDuration) : (failedCount + 1, null);
}
