using System.Collections.Concurrent;

namespace Baton.Core.Engine;

/// <summary>
/// One asynchronous queue per user inside this process, so commands for one user run one at a
/// time (a burst of refreshes from one browser's tabs becomes one store write followed by cache
/// hits, not N compare-and-swap conflicts). Entries exist only while someone holds or waits.
/// </summary>
internal sealed class UserGates
{
    private readonly ConcurrentDictionary<string, Gate> _gates = new(StringComparer.Ordinal);

    public int Count => _gates.Count;

    public async ValueTask<Releaser> EnterAsync(string userId, CancellationToken cancellationToken)
    {
        var gate = Acquire(userId);
        try
        {
            await gate.Semaphore.WaitAsync(cancellationToken);
        }
        catch
        {
            Leave(userId, gate);
            throw;
        }

        return new Releaser(this, userId, gate);
    }

    private Gate Acquire(string userId)
    {
        while (true)
        {
            var gate = _gates.GetOrAdd(userId, static _ => new Gate());
            lock (gate)
            {
                // A gate whose last user just left is being removed; take a fresh one.
                if (gate.Users >= 0)
                {
                    gate.Users++;
                    return gate;
                }
            }
        }
    }

    private void Leave(string userId, Gate gate)
    {
        lock (gate)
        {
            if (--gate.Users == 0)
            {
                gate.Users = -1;
                _gates.TryRemove(new KeyValuePair<string, Gate>(userId, gate));
                gate.Semaphore.Dispose();
            }
        }
    }

    internal readonly struct Releaser(UserGates owner, string userId, Gate gate) : IDisposable
    {
        public void Dispose()
        {
            gate.Semaphore.Release();
            owner.Leave(userId, gate);
        }
    }

    internal sealed class Gate
    {
        public SemaphoreSlim Semaphore { get; } = new(1, 1);

        /// <summary>Holders and waiters; -1 once removed.</summary>
        public int Users { get; set; }
    }
}
