using System.Collections.Immutable;

namespace Baton.Core.Ledgers;

/// <summary>
/// A mutable working copy used while one command is applied: replaces sessions in place,
/// collects events, and builds the next immutable <see cref="Ledger"/> only when something changed.
/// </summary>
internal sealed class LedgerDraft(Ledger original, DateTimeOffset now, SessionPolicy policy)
{
    private readonly List<Session> _sessions = [.. original.Sessions];
    private ImmutableArray<LedgerEvent>.Builder? _events;
    private bool _changed;
    private EndReason? _closedFor = original.ClosedFor;

    public DateTimeOffset Now { get; } = now;

    public SessionPolicy Policy { get; } = policy;

    public IReadOnlyList<Session> Sessions => _sessions;

    /// <summary>See <see cref="Ledger.ClosedFor"/>.</summary>
    public EndReason? ClosedFor => _closedFor;

    /// <summary>Closes the ledger for <paramref name="reason"/> (null reopens it), with its audit event.</summary>
    public void SetClosedFor(EndReason? reason)
    {
        _closedFor = reason;
        Record(reason is null
            ? new LedgerEvent(LedgerEventKind.AccountReopened, "", 0)
            : new LedgerEvent(LedgerEventKind.AccountClosed, "", 0, reason));
    }

    public int IndexOf(string sessionId) =>
        _sessions.FindIndex(s => string.Equals(s.Id, sessionId, StringComparison.Ordinal));

    public int CountActive(string? deviceType = null)
    {
        var count = 0;
        foreach (var session in _sessions)
        {
            if (session.State == SessionState.Active &&
                (deviceType is null || string.Equals(session.Device.Type, deviceType, StringComparison.OrdinalIgnoreCase)))
            {
                count++;
            }
        }

        return count;
    }

    /// <summary>The active session with the earliest login, optionally of one device type.</summary>
    public int IndexOfOldestActive(string? deviceType = null)
    {
        var oldest = -1;
        for (var i = 0; i < _sessions.Count; i++)
        {
            var session = _sessions[i];
            if (session.State == SessionState.Active &&
                (deviceType is null || string.Equals(session.Device.Type, deviceType, StringComparison.OrdinalIgnoreCase)) &&
                (oldest < 0 || session.CreatedAt < _sessions[oldest].CreatedAt))
            {
                oldest = i;
            }
        }

        return oldest;
    }

    public void Add(Session session)
    {
        _sessions.Add(session);
        Record(new LedgerEvent(LedgerEventKind.SessionStarted, session.Id, session.Generation));
    }

    public Session Rotate(int index, string newJti, ClientInfo client)
    {
        var rotated = _sessions[index].Rotate(newJti, client, Now, Policy);
        _sessions[index] = rotated;
        Record(new LedgerEvent(LedgerEventKind.TokenRotated, rotated.Id, rotated.Generation));
        return rotated;
    }

    public Session End(int index, EndReason reason)
    {
        var ended = _sessions[index].End(reason, Now);
        _sessions[index] = ended;
        if (reason == EndReason.ReuseDetected)
        {
            Record(new LedgerEvent(LedgerEventKind.ReuseDetected, ended.Id, ended.Generation));
        }

        Record(new LedgerEvent(LedgerEventKind.SessionEnded, ended.Id, ended.Generation, reason));
        return ended;
    }

    /// <summary>Ends every active session with <paramref name="reason"/>, except <paramref name="exceptSessionId"/>; returns them as ended.</summary>
    public ImmutableArray<Session> EndAllActive(EndReason reason, string? exceptSessionId = null)
    {
        var ended = ImmutableArray.CreateBuilder<Session>();
        for (var i = 0; i < _sessions.Count; i++)
        {
            if (_sessions[i].State == SessionState.Active && !string.Equals(_sessions[i].Id, exceptSessionId, StringComparison.Ordinal))
            {
                ended.Add(End(i, reason));
            }
        }

        return ended.ToImmutable();
    }

    /// <summary>Ends expired sessions and forgets ended ones past their retention or over the cap.</summary>
    public void Housekeep()
    {
        for (var i = 0; i < _sessions.Count; i++)
        {
            if (_sessions[i].State == SessionState.Active && _sessions[i].IsExpiredAt(Now))
            {
                End(i, EndReason.Expired);
            }
        }

        var removed = _sessions.RemoveAll(s => s.EndedAt is { } ended && ended + Policy.EndedSessionRetention <= Now);
        _changed |= removed > 0;
        CapEnded();
    }

    public LedgerChange<TOutcome> Finish<TOutcome>(TOutcome outcome)
    {
        // The command may have ended sessions of its own; they are the newest, so the cap drops older ones.
        CapEnded();
        var events = _events?.ToImmutable() ?? [];
        return _changed
            ? new LedgerChange<TOutcome>(original with { Sessions = [.. _sessions], ClosedFor = _closedFor }, outcome, events, Changed: true)
            : new LedgerChange<TOutcome>(original, outcome, events, Changed: false);
    }

    private void CapEnded()
    {
        var ended = _sessions.Count - CountActive();
        while (ended > Policy.MaxEndedSessionsKept)
        {
            var oldest = IndexOfOldestEnded();
            if (ended <= LedgerLimits.MaxEndedSessionsHeld && _sessions[oldest].EndedAt + Policy.RepeatedCallWindow > Now)
            {
                return; // the oldest ended within the window, so every other one did too
            }

            _sessions.RemoveAt(oldest);
            _changed = true;
            ended--;
        }
    }

    private int IndexOfOldestEnded()
    {
        var oldest = -1;
        for (var i = 0; i < _sessions.Count; i++)
        {
            if (_sessions[i].EndedAt is { } ended && (oldest < 0 || ended < _sessions[oldest].EndedAt))
            {
                oldest = i;
            }
        }

        return oldest;
    }

    private void Record(LedgerEvent e)
    {
        (_events ??= ImmutableArray.CreateBuilder<LedgerEvent>()).Add(e);
        _changed = true;
    }
}
