namespace Baton.Api.Options;

/// <summary>How long the append-only tables keep their rows. Section <c>Baton:Retention</c>.</summary>
public sealed class RetentionOptions
{
    public const string SectionName = "Baton:Retention";

    /// <summary>Audit events older than this are deleted. Default 90 days; <c>00:00:00</c> keeps them forever.</summary>
    public TimeSpan AuditEvents { get; set; } = TimeSpan.FromDays(90);

    /// <summary>
    /// Revocation feed entries older than this are deleted. Default 1 day. Never less than the
    /// access token lifetime plus the clock skew, whatever is set: until then an entry is what
    /// stops a resource server from accepting the ended session's access tokens.
    /// </summary>
    public TimeSpan Revocations { get; set; } = TimeSpan.FromDays(1);

    /// <summary>How often each node runs the retention sweep. Default 1 hour.</summary>
    public TimeSpan Interval { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Rows deleted per statement, so a sweep never holds locks on a large range at once. Default 5000.</summary>
    public int BatchSize { get; set; } = 5000;
}
