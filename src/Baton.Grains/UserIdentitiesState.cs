using System.Collections.Immutable;
using Baton.Core.Audit;

namespace Baton.Grains;

/// <summary>The persistent state of a <see cref="UserIdentitiesGrain"/>.</summary>
/// <param name="Identities">The linked identities.</param>
/// <param name="Version">Counts the writes; part of the audit events' ids.</param>
/// <param name="Outbox">Audit events of the last write, written with it and appended to the event log after it (DESIGN.md §1.4).</param>
public sealed record UserIdentitiesState(ImmutableArray<ExternalIdentity> Identities, long Version, ImmutableArray<LoggedEvent> Outbox)
{
    /// <summary>Nothing linked.</summary>
    public UserIdentitiesState()
        : this([], 0, [])
    {
    }
}
