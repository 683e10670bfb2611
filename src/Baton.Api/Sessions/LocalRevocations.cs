using Baton.Core.Audit;
using Baton.Core.Ledgers;

namespace Baton.Api.Sessions;

/// <summary>
/// The event log as this process's grains see it: the backend's log, and after each append the
/// sessions it ended go straight into this front's <see cref="RevokedSessions"/> and wake the
/// feed's readers. A grain answers only after its outbox is appended, so on this front a kick's
/// tokens are refused before the kick's own answer leaves; other fronts learn it from the feed.
/// </summary>
internal sealed class LocalRevocations(IEventLog log, RevokedSessions revoked, RevocationWatcher watcher) : IEventLog
{
    public async Task AppendAsync(IReadOnlyList<LoggedEvent> events, CancellationToken cancellationToken)
    {
        await log.AppendAsync(events, cancellationToken);
        var ended = false;
        foreach (var (_, _, _, entry) in events)
        {
            if (entry is { Kind: LedgerEventKind.SessionEnded, Reason: { } reason })
            {
                revoked.Add(entry.SessionId, reason, entry.At);
                ended = true;
            }
        }

        if (ended)
        {
            watcher.Signal();
        }
    }
}
