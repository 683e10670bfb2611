using System.Collections.Concurrent;

namespace Baton.AspNetCore;

/// <summary>The ended sessions this resource server knows of, and whether that knowledge is current.</summary>
public sealed class RevokedSessions(TimeProvider time)
{
    private readonly ConcurrentDictionary<string, DateTimeOffset> _sessions = new(StringComparer.Ordinal);
    private volatile bool _current;

    /// <summary>True while the feed is being followed; false before the first read and after a failed one.</summary>
    public bool IsCurrent => _current;

    /// <summary>How many ended sessions are remembered.</summary>
    public int Count => _sessions.Count;

    /// <summary>True when the session has ended.</summary>
    public bool IsRevoked(string sessionId) => _sessions.ContainsKey(sessionId);

    internal void Add(string sessionId) => _sessions[sessionId] = time.GetUtcNow();

    internal void MarkCurrent(bool current) => _current = current;

    internal void Forget(TimeSpan olderThan)
    {
        var cutoff = time.GetUtcNow() - olderThan;
        foreach (var (sid, at) in _sessions)
        {
            if (at < cutoff)
            {
                _sessions.TryRemove(sid, out _);
            }
        }
    }
}
