namespace Baton.Core.Ledgers;

/// <summary>Where a request came from; shown in session lists and written to audit events.</summary>
public sealed record ClientInfo(string? IpAddress, string? UserAgent)
{
    /// <summary>No client information (background work, tests).</summary>
    public static ClientInfo None { get; } = new(null, null);
}
