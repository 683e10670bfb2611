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
                // Optimistic first: from the cache, then (after a lost race, the cache is known
                // stale) from the store. A command that still loses holds the ledger for its next
                // attempt: a node whose cache is current writes in one round trip and one that
                // must reload in two, so without the lock the slower node could lose every race
                // for as long as the others have work for this user.
                var decided = attempt <= _options.OptimisticAttempts
                    ? await TryOptimisticAsync(userId, command, client, useCache: attempt == 1, cancellationToken)
                    : await TryExclusiveAsync(userId, command, client, cancellationToken);
                if (decided is { } done)
                {
                    committed = done.Ledger;
                    return EngineResult<TOutcome>.Success(done.Outcome, done.Ledger);
                }
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
        }
    }

    /// <summary>Load (or take from the cache), apply, compare-and-swap. Null when the attempt decided nothing.</summary>
    private async Task<Decided<TOutcome>?> TryOptimisticAsync<TOutcome>(
        string userId, LedgerCommand<TOutcome> command, ClientInfo client, bool useCache, CancellationToken cancellationToken)
    {
        Ledger? cached = null;
        var fromCache = useCache && TryGetCached(userId, out cached);
        var ledger = fromCache ? cached! : await LoadAsync(userId, cancellationToken);
        var now = _time.GetUtcNow();
        var change = command.Apply(ledger, now, Policy);
        if (!change.Changed)
        {
            // Nothing to write means no compare-and-swap to catch a stale copy (a session another
            // node just started): decide again on the stored ledger.
            return fromCache && !command.TrustsCachedNoOp(ledger) ? null : new Decided<TOutcome>(change.Outcome, ledger);
        }

        var write = WriteOf(ledger, change, client, now);
        if (!await _store.TrySaveAsync(write, cancellationToken))
        {
            EngineMetrics.Conflicts.Add(1);
            return null;
        }

        return Commit(write, change);
    }

    /// <summary>Apply and write with the stored ledger held against other writers. Null only when another writer created the ledger first.</summary>
    private async Task<Decided<TOutcome>?> TryExclusiveAsync<TOutcome>(
        string userId, LedgerCommand<TOutcome> command, ClientInfo client, CancellationToken cancellationToken)
    {
        EngineMetrics.ExclusiveWrites.Add(1);
        Ledger? held = null;
        LedgerChange<TOutcome>? change = null;
        LedgerWrite? write = null;
        var decided = await _store.WriteExclusiveAsync(userId, ledger =>
        {
            held = OwnedBy(userId, ledger);
            var now = _time.GetUtcNow();
            change = command.Apply(ledger, now, Policy);
            write = change.Changed ? WriteOf(ledger, change, client, now) : null;
            return write;
        }, cancellationToken);
        if (!decided || change is null)
        {
            EngineMetrics.Conflicts.Add(1);
            return null;
        }

        return write is null ? new Decided<TOutcome>(change.Outcome, held!) : Commit(write, change);
    }

    private LedgerWrite WriteOf<TOutcome>(Ledger ledger, LedgerChange<TOutcome> change, ClientInfo client, DateTimeOffset now) =>
        LedgerWrite.Of(ledger, change.Ledger, change.Events, new AuditContext(client, _options.NodeName, now), Policy);

    private Decided<TOutcome> Commit<TOutcome>(LedgerWrite write, LedgerChange<TOutcome> change)
    {
        EngineMetrics.Committed(change.Events);
        Committed?.Invoke(write.Ledger.UserId, change.Events);
        return new Decided<TOutcome>(change.Outcome, write.Ledger);
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

    private async Task<Ledger> LoadAsync(string userId, CancellationToken cancellationToken) =>
        OwnedBy(userId, await _store.LoadAsync(userId, cancellationToken));

    private static Ledger OwnedBy(string userId, Ledger ledger) =>
        string.Equals(ledger.UserId, userId, StringComparison.Ordinal)
            ? ledger
            : throw new InvalidOperationException($"The store returned the ledger of {ledger.UserId} for {userId}.");

    /// <summary>A command's outcome and the ledger it leaves (committed, or read when nothing changed).</summary>
    private readonly record struct Decided<TOutcome>(TOutcome Outcome, Ledger Ledger);
}
