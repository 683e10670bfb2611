using System.Collections.Concurrent;
using Baton.Core.Engine;
using Baton.Core.Ledgers;

namespace Baton.Core.Tests.Engine;

/// <summary>
/// A store for engine tests: ledgers kept as serialized documents (so nothing is shared by
/// reference), compare-and-swap under a lock, every committed version recorded, and knobs for
/// faults. Each operation yields first so concurrent callers really interleave.
/// </summary>
internal sealed class InMemoryLedgerStore : ILedgerStore
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, (long Version, byte[] Document)> _rows = new(StringComparer.Ordinal);
    private readonly List<LedgerCache> _subscribers = [];

    /// <summary>Every committed write, in commit order.</summary>
    public ConcurrentQueue<LedgerWrite> Committed { get; } = new();

    public int Loads;
    public int Saves;
    public int ExclusiveWrites;

    /// <summary>When false, every call throws <see cref="StoreUnavailableException"/>.</summary>
    public bool Available { get; set; } = true;

    /// <summary>The next this many successful saves commit and then throw, as a connection dropped before the answer.</summary>
    public int FailAfterCommit { get; set; }

    /// <summary>Acts as the change feed: every commit notifies these caches (as other nodes' feeds would).</summary>
    public void Subscribe(LedgerCache cache)
    {
        lock (_lock)
        {
            _subscribers.Add(cache);
        }
    }

    public async Task<Ledger> LoadAsync(string userId, CancellationToken cancellationToken)
    {
        await Task.Yield();
        ThrowIfUnavailable();
        Interlocked.Increment(ref Loads);
        lock (_lock)
        {
            return Read(userId);
        }
    }

    public async Task<bool> TrySaveAsync(LedgerWrite write, CancellationToken cancellationToken)
    {
        await Task.Yield();
        ThrowIfUnavailable();
        Interlocked.Increment(ref Saves);
        LedgerCache[] subscribers;
        lock (_lock)
        {
            if (!Save(write))
            {
                return false;
            }

            subscribers = [.. _subscribers];
        }

        return Announce(write, subscribers);
    }

    /// <summary>Load, decide and save under the store's lock: nobody writes in between.</summary>
    public async Task<bool> WriteExclusiveAsync(string userId, Func<Ledger, LedgerWrite?> decide, CancellationToken cancellationToken)
    {
        await Task.Yield();
        ThrowIfUnavailable();
        Interlocked.Increment(ref ExclusiveWrites);
        LedgerWrite? write;
        LedgerCache[] subscribers;
        lock (_lock)
        {
            write = decide(Read(userId));
            if (write is null)
            {
                return true;
            }

            if (!Save(write))
            {
                throw new InvalidOperationException("An exclusive write lost a race it cannot lose.");
            }

            subscribers = [.. _subscribers];
        }

        return Announce(write, subscribers);
    }

    private bool Save(LedgerWrite write)
    {
        var stored = _rows.TryGetValue(write.Ledger.UserId, out var row) ? row.Version : 0;
        if (stored != write.ExpectedVersion)
        {
            return false;
        }

        if (write.Ledger.Version != write.ExpectedVersion + 1)
        {
            throw new InvalidOperationException("A write must advance the version by one.");
        }

        _rows[write.Ledger.UserId] = (write.Ledger.Version, LedgerSerializer.Serialize(write.Ledger));
        Committed.Enqueue(write);
        return true;
    }

    /// <summary>What the change feed and a dropped connection do after a commit.</summary>
    private bool Announce(LedgerWrite write, LedgerCache[] subscribers)
    {
        foreach (var cache in subscribers)
        {
            cache.OnChanged(write.Ledger.UserId, write.Ledger.Version);
        }

        if (FailAfterCommit > 0)
        {
            FailAfterCommit--;
            throw new StoreUnavailableException("Connection lost after commit.");
        }

        return true;
    }

    /// <summary>Writes behind the engine's back, as another node would.</summary>
    public void ForceWrite(Ledger ledger)
    {
        LedgerCache[] subscribers;
        lock (_lock)
        {
            _rows[ledger.UserId] = (ledger.Version, LedgerSerializer.Serialize(ledger));
            subscribers = [.. _subscribers];
        }

        foreach (var cache in subscribers)
        {
            cache.OnChanged(ledger.UserId, ledger.Version);
        }
    }

    public Ledger Peek(string userId)
    {
        lock (_lock)
        {
            return Read(userId);
        }
    }

    private Ledger Read(string userId) =>
        _rows.TryGetValue(userId, out var row)
            ? LedgerSerializer.Deserialize(userId, row.Version, row.Document)
            : Ledger.Empty(userId);

    private void ThrowIfUnavailable()
    {
        if (!Available)
        {
            throw new StoreUnavailableException("The test store is down.");
        }
    }
}
