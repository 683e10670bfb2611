using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace Baton.Core.Tokens;

/// <summary>
/// Access tokens whose signature verified under one key ring, so a token presented again costs a
/// lookup instead of an ECDSA verification. Two generations: a lookup tries the newer, then the
/// older (moving a hit into the newer); when the newer has taken half the capacity it becomes the
/// older and the older is dropped. So the tokens clients keep presenting stay, expired and unused
/// ones age out, at most <c>capacity</c> entries are held, and no call sweeps or clears the whole
/// cache (a full cache that was cleared at once would send every client's next call through a
/// verification together).
/// </summary>
internal sealed class VerifiedTokenCache
{
    private static readonly Meter Meter = new(TokenService.MeterName);
    private static readonly Counter<long> Validations = Meter.CreateCounter<long>(
        "baton.tokens.access_validations",
        description: "Access token validations by result: cached (the verified-token cache answered), verified (the signature was checked), refused.");

    private static readonly KeyValuePair<string, object?> Cached = new("result", "cached");
    private static readonly KeyValuePair<string, object?> Verified = new("result", "verified");
    private static readonly KeyValuePair<string, object?> Refused = new("result", "refused");

    private readonly int _generationSize;
    private Generations _generations;

    /// <summary>A cache of at most <paramref name="capacity"/> tokens; 0 keeps none.</summary>
    public VerifiedTokenCache(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(capacity);
        _generationSize = capacity / 2;
        _generations = new(NewGeneration());
    }

    /// <summary>Counts a validation the cache could not answer, by whether it passed.</summary>
    public static void CountVerification(bool passed) => Validations.Add(1, passed ? Verified : Refused);

    /// <summary>The claims <paramref name="token"/> verified with, if it is still held.</summary>
    public bool TryGet(string token, out AccessTokenClaims claims)
    {
        var generations = Volatile.Read(ref _generations);
        if (generations.Newer.TryGetValue(token, out claims!))
        {
            Validations.Add(1, Cached);
            return true;
        }

        if (generations.Older is { } older && older.TryGetValue(token, out claims!))
        {
            Validations.Add(1, Cached);
            Add(token, claims); // still in use: keep it past the next turn of generations
            return true;
        }

        return false;
    }

    /// <summary>Remembers that <paramref name="token"/> verified with <paramref name="claims"/>.</summary>
    public void Add(string token, AccessTokenClaims claims)
    {
        if (_generationSize == 0)
        {
            return;
        }

        var generations = Volatile.Read(ref _generations);
        if (generations.Newer.TryAdd(token, claims) && Interlocked.Increment(ref generations.Added) == _generationSize)
        {
            // Exactly one caller sees the count reach the size, so one turn per generation.
            Volatile.Write(ref _generations, new Generations(NewGeneration(), generations.Newer));
        }
    }

    /// <summary>Forgets <paramref name="token"/> (it expired).</summary>
    public void Remove(string token)
    {
        var generations = Volatile.Read(ref _generations);
        generations.Newer.TryRemove(token, out _);
        generations.Older?.TryRemove(token, out _);
    }

    /// <summary>The tokens held now, in both generations (a token may be in both for a moment).</summary>
    public int Count
    {
        get
        {
            var generations = Volatile.Read(ref _generations);
            return generations.Newer.Count + (generations.Older?.Count ?? 0);
        }
    }

    /// <summary>Sized for a whole generation up front, so filling one never rehashes it.</summary>
    private ConcurrentDictionary<string, AccessTokenClaims> NewGeneration() =>
        new(Environment.ProcessorCount, Math.Min(_generationSize, 1 << 20) + 1, StringComparer.Ordinal);

    private sealed class Generations(ConcurrentDictionary<string, AccessTokenClaims> newer, ConcurrentDictionary<string, AccessTokenClaims>? older = null)
    {
        public ConcurrentDictionary<string, AccessTokenClaims> Newer { get; } = newer;

        public ConcurrentDictionary<string, AccessTokenClaims>? Older { get; } = older;

        /// <summary>Tokens added to <see cref="Newer"/>; counted apart because ConcurrentDictionary.Count takes every lock.</summary>
        public int Added;
    }
}
