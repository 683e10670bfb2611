using System.Diagnostics.CodeAnalysis;
using Baton.Core.Ledgers;

namespace Baton.Core.Engine;

/// <summary>
/// A node-local, size-bounded cache of committed ledgers, so validating an access token needs no
/// store round trip while the user's ledger is current.
/// <para>
/// Invariant I8 (no stale cache): a ledger read before a change must never be inserted after the
/// change's notice and then outlive it. Every read that may fill the cache is bracketed by
/// <see cref="BeginLoad"/> / <see cref="CompleteLoad"/>; notices that arrive while a read is in
/// flight are remembered per user and a read older than the highest of them is not inserted.
/// While the change feed is down (<see cref="Suspend"/>) the cache is empty and stays empty, and
/// a read that straddles the outage is never inserted.
/// </para>
/// </summary>
public sealed class LedgerCache
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, LinkedListNode<Ledger>> _entries = new(StringComparer.Ordinal);
    private readonly LinkedList<Ledger> _recency = new();
    private readonly Dictionary<string, PendingLoad> _pending = new(StringComparer.Ordinal);
    private long _epoch;
    private bool _suspended;

    /// <summary>Creates a cache that holds at most <paramref name="capacity"/> ledgers (least recently used go first).</summary>
    public LedgerCache(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(capacity);
        Capacity = capacity;
    }

    /// <summary>Most ledgers held.</summary>
    public int Capacity { get; }

    /// <summary>Ledgers held now.</summary>
    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _entries.Count;
            }
        }
    }

    /// <summary>True while the change feed is down and the cache holds nothing.</summary>
    public bool IsSuspended
    {
        get
        {
            lock (_lock)
            {
                return _suspended;
            }
        }
    }

    /// <summary>The cached ledger of <paramref name="userId"/>, if it is current.</summary>
    public bool TryGet(string userId, [NotNullWhen(true)] out Ledger? ledger)
    {
        lock (_lock)
        {
            if (_entries.TryGetValue(userId, out var node))
            {
                _recency.Remove(node);
                _recency.AddFirst(node);
                ledger = node.Value;
                return true;
            }
        }

        ledger = null;
        return false;
    }

    /// <summary>Call before reading <paramref name="userId"/>'s ledger from the store (or writing it); pass the ticket to <see cref="CompleteLoad"/>.</summary>
    public LoadTicket BeginLoad(string userId)
    {
        lock (_lock)
        {
            if (!_pending.TryGetValue(userId, out var pending))
            {
                pending = new PendingLoad();
                _pending.Add(userId, pending);
            }

            pending.Readers++;
            return new LoadTicket(userId, _epoch, pending);
        }
    }

    /// <summary>
    /// Ends a read begun with <see cref="BeginLoad"/>: caches <paramref name="ledger"/> unless a
    /// newer version is known, or pass null when the read failed or its result must not be cached.
    /// </summary>
    public void CompleteLoad(LoadTicket ticket, Ledger? ledger)
    {
        ArgumentNullException.ThrowIfNull(ticket);
        lock (_lock)
        {
            if (--ticket.Pending.Readers == 0)
            {
                _pending.Remove(ticket.UserId);
            }

            if (ledger is null || _suspended || ticket.Epoch != _epoch || ledger.Version < ticket.Pending.HighestNoticed)
            {
                return;
            }

            if (_entries.TryGetValue(ticket.UserId, out var node))
            {
                if (node.Value.Version <= ledger.Version)
                {
                    node.Value = ledger;
                }

                _recency.Remove(node);
                _recency.AddFirst(node);
                return;
            }

            if (Capacity == 0)
            {
                return;
            }

            if (_entries.Count >= Capacity)
            {
                var last = _recency.Last!;
                _recency.RemoveLast();
                _entries.Remove(last.Value.UserId);
            }

            _entries.Add(ticket.UserId, _recency.AddFirst(ledger));
        }
    }

    /// <summary>A change feed notice: version <paramref name="version"/> of the user's ledger was committed somewhere.</summary>
    public void OnChanged(string userId, long version)
    {
        lock (_lock)
        {
            if (_pending.TryGetValue(userId, out var pending) && pending.HighestNoticed < version)
            {
                pending.HighestNoticed = version;
            }

            if (_entries.TryGetValue(userId, out var node) && node.Value.Version < version)
            {
                _recency.Remove(node);
                _entries.Remove(userId);
            }
        }
    }

    /// <summary>Forgets one user's ledger (a write whose outcome is unknown).</summary>
    public void Remove(string userId)
    {
        lock (_lock)
        {
            if (_entries.Remove(userId, out var node))
            {
                _recency.Remove(node);
            }
        }
    }

    /// <summary>The change feed is down: drop everything and cache nothing until <see cref="Resume"/>.</summary>
    public void Suspend()
    {
        lock (_lock)
        {
            _suspended = true;
            _epoch++;
            _entries.Clear();
            _recency.Clear();
        }
    }

    /// <summary>The change feed is back (and listening): caching may start again.</summary>
    public void Resume()
    {
        lock (_lock)
        {
            _suspended = false;
            _epoch++;
        }
    }

    /// <summary>An in-flight read of one user's ledger.</summary>
    public sealed class LoadTicket
    {
        internal LoadTicket(string userId, long epoch, PendingLoad pending)
        {
            UserId = userId;
            Epoch = epoch;
            Pending = pending;
        }

        internal string UserId { get; }

        internal long Epoch { get; }

        internal PendingLoad Pending { get; }
    }

    internal sealed class PendingLoad
    {
        public int Readers { get; set; }

        public long HighestNoticed { get; set; }
    }
}
