using Baton.Core.Ledgers;

namespace Baton.Core.Engine;

/// <summary>
/// What the engine needs from a store: load one user's ledger, and write it back only if nobody
/// wrote since (compare-and-swap); and, for a command that keeps losing that race, a write that
/// holds the ledger while it decides. Every operation touches exactly one user, which is what
/// lets a store shard by user id. A store reports its own outages as <see cref="StoreUnavailableException"/>.
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

    /// <summary>
    /// The write that cannot lose a race, for a command that has already lost some: in one
    /// transaction, loads the user's ledger with it locked against every other writer, passes it to
    /// <paramref name="decide"/> (pure and quick: it runs while the lock is held), and commits the
    /// write <paramref name="decide"/> returns, as <see cref="TrySaveAsync"/> would. Other writers of
    /// this user wait for the commit and then lose their compare-and-swap, instead of the same
    /// fast writer winning every time. Null from <paramref name="decide"/> writes nothing.
    /// </summary>
    /// <returns>
    /// False, having written nothing, only when there was no ledger yet and another writer created
    /// one before this write's insert (there is no row to lock until then); true otherwise.
    /// </returns>
    /// <exception cref="StoreUnavailableException">The store cannot be reached; the write may or may not have committed.</exception>
    Task<bool> WriteExclusiveAsync(string userId, Func<Ledger, LedgerWrite?> decide, CancellationToken cancellationToken);
}
