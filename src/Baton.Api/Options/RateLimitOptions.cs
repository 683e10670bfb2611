namespace Baton.Api.Options;

/// <summary>Per-client-address request budgets; 429 with Retry-After beyond them. Section <c>Baton:RateLimits</c>. 0 turns a limit off.</summary>
public sealed class RateLimitOptions
{
    public const string SectionName = "Baton:RateLimits";

    /// <summary>Logins per address per minute. Default 20.</summary>
    public int LoginPerMinute { get; set; } = 20;

    /// <summary>Registrations per address per minute. Default 5.</summary>
    public int RegisterPerMinute { get; set; } = 5;

    /// <summary>Refreshes per address per minute. Default 120.</summary>
    public int RefreshPerMinute { get; set; } = 120;

    /// <summary>
    /// Password checks (login, password change, and any later endpoint that checks a password)
    /// per user and, separately, per address per minute, counted on each node. Default 20.
    /// </summary>
    public int PasswordChecksPerMinute { get; set; } = 20;
}
