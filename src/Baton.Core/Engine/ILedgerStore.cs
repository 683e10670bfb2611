using Baton.Core.Ledgers;

namespace Baton.Core.Engine;

/// <summary>
/// What the engine needs from a store: load one user's ledger, and write it back only if nobody
/// wrote since (compare-and-swap). Every operation touches exactly one user, which is what lets a
/// store shard by user id. A store reports its own outages as <see cref="StoreUnavailableException"/>.
/// </summary>
public interface ILedgerStore
{
    /// <summary>The user's committed ledger, or <see cref="Ledger.Empty"/> (version 0) when there is none.</summary>
    /// <exception cref="StoreUnavailableException">The store cannot be reached.</exception>
    Task<Ledger> LoadAsync(string userId, CancellationToken cancellationToken);

    /// <summary>
    /// Commits <see cref="LedgerWrite.Ledger"/> and its audit events in one transaction if the
    /// stored version is still <see cref="LedgerWrite.ExpectedVersion"/> (insert when it is 0), and
    /// makes the change visible to every node's change feed. Returns false, having written nothing,
    /// when another writer got there first.
    /// </summary>
    /// <exception cref="StoreUnavailableException">The store cannot be reached; the write may or may not have committed.</exception>
    Task<bool> TrySaveAsync(LedgerWrite write, CancellationToken cancellationToken);
}
