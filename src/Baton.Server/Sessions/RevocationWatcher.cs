using System.Collections.Immutable;
using Baton.Core.Engine;
using Baton.Core.Ledgers;
using Baton.Storage.Postgres;

namespace Baton.Server.Sessions;

/// <summary>
/// Wakes long-polling readers of the revocation feed when a session ends: on this node's own
/// commits, and on PostgreSQL's <c>baton_revocations</c> notice for every other node's. Readers
/// take the signal before they read the store, so a change between the read and the wait is never missed.
/// </summary>
internal sealed class RevocationWatcher
{
    private TaskCompletionSource _signal = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public RevocationWatcher(LedgerEngine engine, IServiceProvider services)
    {
        engine.Committed += OnCommitted;
        if (services.GetService<PostgresChangeFeed>() is { } feed)
        {
            feed.RevocationsAppended += Signal;
        }
    }

    /// <summary>Completes at the next change that may have appended to the feed.</summary>
    public Task NextChange => Volatile.Read(ref _signal).Task;

    private void OnCommitted(string userId, ImmutableArray<LedgerEvent> events)
    {
        if (events.Any(e => e.Kind == LedgerEventKind.SessionEnded))
        {
            Signal();
        }
    }

    private void Signal() =>
        Interlocked.Exchange(ref _signal, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
}
