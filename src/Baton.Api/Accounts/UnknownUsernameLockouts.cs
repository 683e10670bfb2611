using Baton.Api.Options;
using Microsoft.Extensions.Options;

namespace Baton.Api.Accounts;

/// <summary>
/// Failed-login counts for usernames without a password account, kept exactly as an account keeps
/// its own (<see cref="Baton.Core.Users.IUserStore.RecordFailedLoginAsync"/>: the same limit, the
/// same lockout, the count restarting at the lockout), so that the answers to guesses never tell
/// an unknown username from a real one.
/// </summary>
/// <remarks>
/// In memory and per node, and bounded: beyond <see cref="AccountOptions.TrackedUnknownUsernames"/>
/// the least recently guessed username is forgotten, so guessing ever new names cannot grow it.
/// Keyed by the normalized username, like the AccountGrain that later keeps these counts for
/// every username, known or not.
/// </remarks>
internal sealed class UnknownUsernameLockouts(IOptions<AccountOptions> options)
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
        var settings = options.Value;
        lock (_lock)
        {
            if (_entries.TryGetValue(normalizedUsername, out var node))
            {
                _recency.Remove(node);
                _recency.AddFirst(node);
            }
            else
            {
                if (_entries.Count >= settings.TrackedUnknownUsernames && _recency.Last is { } oldest)
                {
                    _recency.RemoveLast();
                    _entries.Remove(oldest.Value.NormalizedUsername);
                }

                node = _recency.AddFirst(new Entry(normalizedUsername));
                _entries.Add(normalizedUsername, node);
            }

            var entry = node.Value;
            if (++entry.FailedCount < settings.MaxFailedLogins)
            {
                return null;
            }

            entry.FailedCount = 0;
            entry.LockedUntil = now + settings.LockoutDuration;
            return entry.LockedUntil;
        }
    }

    private sealed class Entry(string normalizedUsername)
    {
        public string NormalizedUsername { get; } = normalizedUsername;

        public int FailedCount { get; set; }

        public DateTimeOffset? LockedUntil { get; set; }
    }
}
