namespace Baton.Core.Audit;

/// <summary>Reads the audit events that stores write together with each ledger change.</summary>
public interface IAuditLog
{
    /// <summary>The user's newest <paramref name="limit"/> audit events, newest first.</summary>
    Task<IReadOnlyList<AuditEntry>> ReadAsync(string userId, int limit, CancellationToken cancellationToken);
}
