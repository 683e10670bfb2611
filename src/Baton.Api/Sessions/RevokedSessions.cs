using System.Collections.Concurrent;
using Baton.Core;

namespace Baton.Api.Sessions;

/// <summary>
/// The ended sessions this front knows of, with why they ended (DESIGN.md §2): fed by its own
/// grains' appends to the event log at once, and by <see cref="RevocationFollower"/> from the log
/// itself. Only while the follower is current may a session that is not in the set be taken as
/// active without asking its grain.
/// </summary>
internal sealed class RevokedSessions(TimeProvider time)
{
    private readonly ConcurrentDictionary<string, (EndReason Reason, DateTimeOffset At)> _sessions = new(StringComparer.Ordinal);
    private long _currentUntil;

    /// <summary>Whether the follower's last read is recent enough to trust the set (monotonic time, not the test clock).</summary>
    public bool IsCurrent => Environment.TickCount64 < Interlocked.Read(ref _currentUntil);

    /// <summary>How many ended sessions are remembered.</summary>
    public int Count => _sessions.Count;

    /// <summary>Why <paramref name="sessionId"/> ended, when it has.</summary>
    public bool TryGetReason(string sessionId, out EndReason reason)
    {
        var found = _sessions.TryGetValue(sessionId, out var entry);
        reason = entry.Reason;
        return found;
    }

    public void Add(string sessionId, EndReason reason, DateTimeOffset at) => _sessions.TryAdd(sessionId, (reason, at));

    /// <summary>The follower read the log successfully: trust the set for <paramref name="bound"/>.</summary>
    public void MarkCurrent(TimeSpan bound) => Interlocked.Exchange(ref _currentUntil, Environment.TickCount64 + (long)bound.TotalMilliseconds);

    public void MarkBehind() => Interlocked.Exchange(ref _currentUntil, 0);

    /// <summary>Forgets sessions that ended before <paramref name="olderThan"/> ago: their access tokens have expired.</summary>
    public void Forget(TimeSpan olderThan)
    {
        var cutoff = time.GetUtcNow() - olderThan;
        foreach (var (sid, entry) in _sessions)
        {
            if (entry.At < cutoff)
            {
                _sessions.TryRemove(sid, out _);
            }
        }
    }
}
