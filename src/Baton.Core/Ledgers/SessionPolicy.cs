namespace Baton.Core.Ledgers;

/// <summary>
/// The rules every ledger transition applies: limits, lifetimes and the reuse grace.
/// Bound from the <c>Baton:Sessions</c> configuration section.
/// </summary>
public sealed class SessionPolicy
{
    /// <summary>The configuration section this binds to.</summary>
    public const string SectionName = "Baton:Sessions";

    /// <summary>Most active sessions one user may hold. Default 1: single-device login.</summary>
    public int MaxSessionsPerUser { get; set; } = 1;

    /// <summary>Most active sessions per device type, for example <c>web: 1, mobile: 1</c>. Types not listed are limited only by <see cref="MaxSessionsPerUser"/>.</summary>
    public Dictionary<string, int> MaxSessionsPerDeviceType { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>What a login does at a limit. Default <see cref="LimitAction.EvictOldest"/>.</summary>
    public LimitAction OnLimit { get; set; } = LimitAction.EvictOldest;

    /// <summary>A session whose refresh token is not used for this long expires. Sliding: each refresh extends it. Default 7 days.</summary>
    public TimeSpan RefreshIdleLifetime { get; set; } = TimeSpan.FromDays(7);

    /// <summary>No session outlives this, however often it refreshes. Default 30 days.</summary>
    public TimeSpan SessionAbsoluteLifetime { get; set; } = TimeSpan.FromDays(30);

    /// <summary>
    /// How long after a rotation the immediate predecessor still answers with the current
    /// generation instead of counting as reuse, so racing tabs converge. Default 10 s; zero turns it off.
    /// </summary>
    public TimeSpan RefreshReuseGrace { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long an ended session is kept so that its tokens are refused with a precise reason. Default 1 day; keep it at least the access token lifetime.</summary>
    public TimeSpan EndedSessionRetention { get; set; } = TimeSpan.FromDays(1);

    /// <summary>Most ended sessions kept per user, newest first, so a ledger stays small. Default 16.</summary>
    public int MaxEndedSessionsKept { get; set; } = 16;

    /// <summary>
    /// How long an ended session is kept whatever <see cref="MaxEndedSessionsKept"/> says (up to
    /// <see cref="LedgerLimits.MaxEndedSessionsHeld"/>), so that a front's repeat of the login that
    /// started it (DESIGN.md §8: a front repeats a call whose answer it did not get, for up to its
    /// response timeout) finds it ended instead of starting it again, over whatever session replaced
    /// it. Matters for bursts of logins to one account: at a limit of one, 90 logins at once end 89
    /// sessions within a second. Default 1 min; keep it longer than the cluster's ResponseTimeout.
    /// </summary>
    public TimeSpan RepeatedCallWindow { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>The limit for one device type, or null when the type has none of its own.</summary>
    public int? LimitFor(string deviceType)
    {
        // Device types compare without case whatever comparer the configured dictionary has.
        foreach (var (type, limit) in MaxSessionsPerDeviceType)
        {
            if (string.Equals(type, deviceType, StringComparison.OrdinalIgnoreCase))
            {
                return limit;
            }
        }

        return null;
    }
}
