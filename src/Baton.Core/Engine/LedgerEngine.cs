using Baton.Core.Ledgers;

namespace Baton.Core.Engine;

/// <summary>
/// Applies commands to users' ledgers (DESIGN.md §1): serialized per user inside the process,
/// loaded from the cache when current, written back with compare-and-swap, re-applied on a lost
/// race a bounded number of times, and answered only after the write is durable.
/// </summary>
public sealed class LedgerEngine
{
    private readonly ILedgerStore _store;
    private readonly LedgerCache _cache;
    private readonly LedgerEngineOptions _options;
    private readonly TimeProvider _time;
    private readonly UserGates _gates = new();

    /// <summary>Creates an engine over <paramref name="store"/>.</summary>
    public LedgerEngine(ILedgerStore store, LedgerCache cache, SessionPolicy policy, LedgerEngineOptions options, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(cache);
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(time);
        _store = store;
        _cache = cache;
        Policy = policy;
        _options = options;
        _time = time;
    }

    /// <summary>The policy every command is applied with.</summary>
    public SessionPolicy Policy { get; }

    /// <summary>Raised after this node committed a change, with its events (for example to wake revocation feed readers).</summary>
    public event Action<string, System.Collections.Immutable.ImmutableArray<LedgerEvent>>? Committed;

    /// <summary>
    /// Applies <paramref name="command"/> to <paramref name="userId"/>'s ledger and returns its
    /// outcome once it is durable; a command that changes nothing is answered without a write.
    /// </summary>
    public async Task<EngineResult<TOutcome>> ExecuteAsync<TOutcome>(
        string userId, LedgerCommand<TOutcome> command, ClientInfo client, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(userId);
        ArgumentNullException.ThrowIfNull(command);
        ArgumentNullException.ThrowIfNull(client);

        using var queued = await _gates.EnterAsync(userId, cancellationToken);
        for (var attempt = 1; ; attempt++)
        {
            var ticket = _cache.BeginLoad(userId);
            Ledger? committed = null;
            try
            {
                // After a lost race the cache is known stale: go to the store.
                Ledger? cached = null;
                var fromCache = attempt == 1 && TryGetCached(userId, out cached);
                var ledger = fromCache ? cached! : await LoadAsync(userId, cancellationToken);
                var now = _time.GetUtcNow();
                var change = command.Apply(ledger, now, Policy);
                if (!change.Changed)
                {
                    if (fromCache && !command.TrustsCachedNoOp(ledger))
                    {
                        // Nothing to write means no compare-and-swap to catch a stale copy (a session
                        // another node just started): decide again on the stored ledger.
                        continue;
                    }

                    committed = ledger;
                    return EngineResult<TOutcome>.Success(change.Outcome, ledger);
                }

                var next = change.Ledger with { Version = ledger.Version + 1 };
                var write = new LedgerWrite(next, ledger.Version, change.Events, new AuditContext(client, _options.NodeName, now), next.ExpiresAt(Policy));
                if (await _store.TrySaveAsync(write, cancellationToken))
                {
                    committed = next;
                    EngineMetrics.Committed(change.Events);
                    Committed?.Invoke(userId, change.Events);
                    return EngineResult<TOutcome>.Success(change.Outcome, next);
                }

                EngineMetrics.Conflicts.Add(1);
            }
            catch (StoreUnavailableException)
            {
                EngineMetrics.StoreUnavailable.Add(1);
                return EngineResult<TOutcome>.Failed(EngineFailure.StoreUnavailable);
            }
            finally
            {
                // Whatever did not commit here (a lost race, an outage, a cancelled write whose
                // fate is unknown) leaves this user's cached copy suspect.
                if (committed is null)
                {
                    _cache.Remove(userId);
                }

                _cache.CompleteLoad(ticket, committed);
            }

            if (attempt >= _options.MaxAttempts)
            {
                EngineMetrics.GaveUp.Add(1);
                return EngineResult<TOutcome>.Failed(EngineFailure.TooManyConflicts);
            }

            // The first retry goes at once (the winner has committed); later ones spread out so
            // that several nodes hammering one user do not stay in lockstep.
            if (attempt >= 2)
            {
                var bound = _options.RetryJitter.Ticks << Math.Min(attempt - 2, 10);
                await Task.Delay(TimeSpan.FromTicks(Random.Shared.NextInt64(bound + 1)), cancellationToken);
            }
        }
    }

    /// <summary>
    /// The user's current ledger for read-only checks (access token validation, session lists):
    /// from the cache when it is current, otherwise from the store.
    /// </summary>
    public ValueTask<EngineResult<Ledger>> ReadAsync(string userId, CancellationToken cancellationToken) =>
        ReadAsync(userId, useCache: true, cancellationToken);

    /// <summary>
    /// The user's ledger from the store, bypassing the cache: for a check that failed on a cached
    /// copy that may predate a change whose notice has not arrived yet (a session started on another node).
    /// </summary>
    public ValueTask<EngineResult<Ledger>> ReadFreshAsync(string userId, CancellationToken cancellationToken) =>
        ReadAsync(userId, useCache: false, cancellationToken);

    private async ValueTask<EngineResult<Ledger>> ReadAsync(string userId, bool useCache, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(userId);
        if (useCache && TryGetCached(userId, out var cached))
        {
            return EngineResult<Ledger>.Success(cached, cached);
        }

        var ticket = _cache.BeginLoad(userId);
        Ledger? loaded = null;
        try
        {
            loaded = await LoadAsync(userId, cancellationToken);
            return EngineResult<Ledger>.Success(loaded, loaded);
        }
        catch (StoreUnavailableException)
        {
            EngineMetrics.StoreUnavailable.Add(1);
            return EngineResult<Ledger>.Failed(EngineFailure.StoreUnavailable);
        }
        finally
        {
            _cache.CompleteLoad(ticket, loaded);
        }
    }

    private bool TryGetCached(string userId, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out Ledger? ledger)
    {
        if (_cache.TryGet(userId, out ledger))
        {
            EngineMetrics.CacheHits.Add(1);
            return true;
        }

        EngineMetrics.CacheMisses.Add(1);
        return false;
    }

    private async Task<Ledger> LoadAsync(string userId, CancellationToken cancellationToken)
    {
        var ledger = await _store.LoadAsync(userId, cancellationToken);
        return string.Equals(ledger.UserId, userId, StringComparison.Ordinal)
            ? ledger
            : throw new InvalidOperationException($"The store returned the ledger of {ledger.UserId} for {userId}.");
    }
}
