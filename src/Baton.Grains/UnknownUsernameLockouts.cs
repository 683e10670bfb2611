using Baton.Core.Users;
using Microsoft.Extensions.Options;

namespace Baton.Grains;

/// <summary>
/// Failed-login counts for usernames without an account, kept exactly as an account keeps its own
/// (<see cref="LockoutPolicy.Fail"/>), so that the answers to guesses never tell an unknown username
/// from a real one. The <see cref="AccountGrain"/> of an unknown username counts here instead of in
/// its state: a guess writes nothing, and the activation can be collected when idle.
/// </summary>
/// <remarks>
/// In memory and per silo, and bounded: beyond <see cref="LockoutPolicy.TrackedUnknownUsernames"/>
/// the least recently guessed username is forgotten, so guessing ever new names cannot grow it. A
/// username's grain lives on one silo at a time; when it moves (a silo leaves), its count starts again.
/// </remarks>
public sealed class UnknownUsernameLockouts(IOptions<LockoutPolicy> options)
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, LinkedListNode<Entry>> _entries = new(StringComparer.Ordinal);

    // Most recently guessed first; the last one goes when the capacity is reached.
    private readonly LinkedList<Entry> _recency = new();

    /// <summary>Until when the username is locked out, or null when it is not at <paramref name="now"/>.</summary>
    public DateTimeOffset? LockedUntil(string normalizedUsername, DateTimeOffset now)
    {
        lock (_lock)
        {
            return _entries.TryGetValue(normalizedUsername, out var node) && node.Value.LockedUntil is { } until && now < until ? until : null;
        }
    }

    /// <summary>Counts a failed login; returns the end of the lockout when this failure reached the limit.</summary>
    public DateTimeOffset? RecordFailure(string normalizedUsername, DateTimeOffset now)
    {
        var policy = options.Value;
        lock (_lock)
        {
            if (_entries.TryGetValue(normalizedUsername, out var node))
            {
                _recency.Remove(node);
                _recency.AddFirst(node);
            }
            else
            {
                if (_entries.Count >= policy.TrackedUnknownUsernames && _recency.Last is { } oldest)
                {
                    _recency.RemoveLast();
                    _entries.Remove(oldest.Value.NormalizedUsername);
                }

                node = _recency.AddFirst(new Entry(normalizedUsername));
                _entries.Add(normalizedUsername, node);
            }

            var entry = node.Value;
            (entry.FailedCount, var lockedUntil) = policy.Fail(entry.FailedCount, now);
            entry.LockedUntil = lockedUntil ?? entry.LockedUntil;
            return lockedUntil;
        }
    }

    /// <summary>Forgets the username (it now names an account, which counts for itself).</summary>
    public void Forget(string normalizedUsername)
    {
        lock (_lock)
        {
            if (_entries.Remove(normalizedUsername, out var node))
            {
                _recency.Remove(node);
            }
        }
    }

    private sealed class Entry(string normalizedUsername)
    {
        public string NormalizedUsername { get; } = normalizedUsername;

        public int FailedCount { get; set; }

        public DateTimeOffset? LockedUntil { get; set; }
    }
}
