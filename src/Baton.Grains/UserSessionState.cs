using System.Collections.Immutable;
using System.Text.Json.Serialization;
using Baton.Core.Audit;
using Baton.Core.Ledgers;

namespace Baton.Grains;

/// <summary>
/// The persistent state of a <see cref="UserSessionGrain"/>: the user's ledger and the outbox of
/// events committed with it but not yet known to be in the event log (DESIGN.md §1.4). Immutable:
/// the grain replaces it whole, so a failed write restores the previous value by reference.
/// Stored as System.Text.Json in the ledger's own wire form (<see cref="UserSessionStateJsonConverter"/>),
/// with no .NET type names in the document.
/// </summary>
[JsonConverter(typeof(UserSessionStateJsonConverter))]
public sealed class UserSessionState
{
    /// <summary>The state of a user with nothing stored yet.</summary>
    public UserSessionState()
        : this(null, [])
    {
    }

    /// <summary>A state holding <paramref name="ledger"/> and <paramref name="outbox"/>.</summary>
    public UserSessionState(Ledger? ledger, ImmutableArray<LoggedEvent> outbox)
    {
        Ledger = ledger;
        Outbox = outbox.IsDefault ? [] : outbox;
    }

    /// <summary>The ledger as last written; null before the first write.</summary>
    public Ledger? Ledger { get; }

    /// <summary>Events written with the ledger, oldest first, some perhaps already delivered.</summary>
    public ImmutableArray<LoggedEvent> Outbox { get; }
}
