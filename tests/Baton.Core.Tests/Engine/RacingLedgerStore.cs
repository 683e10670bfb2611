using Baton.Core.Engine;
using Baton.Core.Ledgers;

namespace Baton.Core.Tests.Engine;

/// <summary>
/// Loses compare-and-swap races on purpose: before each of the next <see cref="RacesToLose"/>
/// saves, another writer commits a change to the same ledger (via <see cref="Interloper"/>), so
/// the engine's write finds a newer version and must reload and re-apply. An exclusive write
/// holds the ledger, so nobody gets in; with <see cref="LoseExclusiveWrites"/> it reports the
/// one race it can lose (another writer created the ledger first) without writing.
/// </summary>
internal sealed class RacingLedgerStore(InMemoryLedgerStore inner, Func<Ledger, Ledger> interloper) : ILedgerStore
{
    public int RacesToLose { get; set; }

    public int RacesLost { get; private set; }

    public Func<Ledger, Ledger> Interloper { get; } = interloper;

    public Task<Ledger> LoadAsync(string userId, CancellationToken cancellationToken) => inner.LoadAsync(userId, cancellationToken);

    public Task<bool> TrySaveAsync(LedgerWrite write, CancellationToken cancellationToken)
    {
        if (RacesToLose > 0)
        {
            RacesToLose--;
            RacesLost++;
            var current = inner.Peek(write.Ledger.UserId);
            inner.ForceWrite(Interloper(current) with { Version = current.Version + 1 });
        }

        return inner.TrySaveAsync(write, cancellationToken);
    }

    public bool LoseExclusiveWrites { get; set; }

    public Task<bool> WriteExclusiveAsync(string userId, Func<Ledger, LedgerWrite?> decide, CancellationToken cancellationToken)
    {
        if (LoseExclusiveWrites)
        {
            RacesLost++;
            return Task.FromResult(false);
        }

        return inner.WriteExclusiveAsync(userId, decide, cancellationToken);
    }
}
