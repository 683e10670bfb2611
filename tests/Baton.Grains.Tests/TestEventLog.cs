using System.Collections.Concurrent;
using Baton.Core.Audit;
using Baton.Core.Storage;

namespace Baton.Grains.Tests;

/// <summary>
/// An in-memory <see cref="IEventLog"/> with the contract's id deduplication: keeps each event
/// once, counts the repeats it was offered, and can be told to fail the next appends.
/// </summary>
internal sealed class TestEventLog : IEventLog
{
    private readonly Lock _gate = new();
    private readonly List<LoggedEvent> _kept = [];
    private readonly HashSet<string> _ids = new(StringComparer.Ordinal);
    private int _failures;

    /// <summary>Every event id offered, repeats included.</summary>
    public ConcurrentQueue<string> Offered { get; } = new();

    public IReadOnlyList<LoggedEvent> Kept
    {
        get
        {
            lock (_gate)
            {
                return [.. _kept];
            }
        }
    }

    public IReadOnlyList<LoggedEvent> KeptFor(string userId) => [.. Kept.Where(e => e.Entry.UserId == userId)];

    /// <summary>The next <paramref name="count"/> appends fail as an outage would.</summary>
    public void FailNext(int count = 1) => Interlocked.Exchange(ref _failures, count);

    public Task AppendAsync(IReadOnlyList<LoggedEvent> events, CancellationToken cancellationToken)
    {
        if (Interlocked.Decrement(ref _failures) >= 0)
        {
            throw new StoreUnavailableException("The test event log is down.");
        }

        Interlocked.Exchange(ref _failures, 0);
        lock (_gate)
        {
            foreach (var e in events)
            {
                Offered.Enqueue(e.Id);
                if (_ids.Add(e.Id))
                {
                    _kept.Add(e);
                }
            }
        }

        return Task.CompletedTask;
    }
}
