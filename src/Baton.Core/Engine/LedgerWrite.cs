using System.Collections.Immutable;
using Baton.Core.Ledgers;

namespace Baton.Core.Engine;

/// <summary>One compare-and-swap write of a ledger.</summary>
/// <param name="Ledger">The new ledger; its <see cref="Ledger.Version"/> is <paramref name="ExpectedVersion"/> + 1.</param>
/// <param name="ExpectedVersion">The version the change was computed from; 0 inserts.</param>
/// <param name="Events">Audit events committed in the same transaction.</param>
/// <param name="Audit">Who caused the change, for the audit events.</param>
/// <param name="ExpiresAt">When the ledger's content stops mattering (see <see cref="Ledger.ExpiresAt"/>).</param>
public sealed record LedgerWrite(Ledger Ledger, long ExpectedVersion, ImmutableArray<LedgerEvent> Events, AuditContext Audit, DateTimeOffset ExpiresAt)
{
    /// <summary>The write that takes <paramref name="before"/> to <paramref name="after"/> (one version later) with <paramref name="events"/>.</summary>
    public static LedgerWrite Of(Ledger before, Ledger after, ImmutableArray<LedgerEvent> events, AuditContext audit, SessionPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(before);
        ArgumentNullException.ThrowIfNull(after);
        ArgumentNullException.ThrowIfNull(policy);
        var next = after with { Version = before.Version + 1 };
        return new LedgerWrite(next, before.Version, events, audit, next.ExpiresAt(policy));
    }
}

/// <summary>Who caused a change: written with every audit event.</summary>
/// <param name="Client">The client's address and user agent.</param>
/// <param name="Node">The Baton node that made the change.</param>
/// <param name="At">When the change was computed.</param>
public sealed record AuditContext(ClientInfo Client, string Node, DateTimeOffset At);
