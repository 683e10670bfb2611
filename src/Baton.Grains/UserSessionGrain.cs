using System.Collections.Immutable;
using Baton.Core;
using Baton.Core.Audit;
using Baton.Core.Ledgers;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Storage;

namespace Baton.Grains;

/// <summary>
/// The one owner of a user's ledger (DESIGN.md §1; key = user id). It translates, the domain
/// decides: each call applies a <see cref="Baton.Core"/> command with the policy and the current
/// time, writes the changed ledger with its events in the outbox (ETag-checked), answers only after
/// the write, then delivers the outbox to the event log. Not reentrant, so calls for one user queue.
/// </summary>
/// <remarks>
/// A failed write restores the previous in-memory state and throws
/// <see cref="SessionStoreUnavailableException"/>; a stale ETag (another activation wrote) also
/// deactivates this one and rethrows <see cref="InconsistentStateException"/> so that the caller
/// retries once on a fresh activation (<see cref="GrainCalls.RetryOnceOnStaleActivationAsync{T}"/>).
/// Delivered events leave the outbox with the next write, not with a write of their own.
/// </remarks>
public sealed class UserSessionGrain(
    [PersistentState("ledger", "sessions")] IPersistentState<UserSessionState> state,
    IEventLog eventLog,
    IOptions<SessionPolicy> policy,
    [FromKeyedServices(BatonGrainsSiloBuilderExtensions.ClockKey)] TimeProvider time,
    ILogger<UserSessionGrain> logger) : Grain, IUserSessionGrain
{
    private readonly SessionPolicy _policy = policy.Value;

    /// <summary>How often an outbox the event log refused is offered again.</summary>
    internal static readonly TimeSpan RedeliveryInterval = TimeSpan.FromSeconds(1);

    /// <summary>How many events at the head of the stored outbox are known to be in the event log.</summary>
    private int _delivered;

    /// <summary>Set while an undelivered outbox waits for the event log to come back.</summary>
    private IGrainTimer? _redelivery;

    private string UserId => this.GetPrimaryKeyString();

    private Ledger Ledger => state.State.Ledger ?? Ledger.Empty(UserId);

    /// <inheritdoc />
    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (state.State.Ledger is { } stored && !string.Equals(stored.UserId, UserId, StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"The stored session state of {UserId} belongs to {stored.UserId}.");
        }

        // What a previous activation wrote but may not have delivered (it crashed, or the log was down).
        await DeliverOutboxAsync(cancellationToken);
    }

    /// <inheritdoc />
    public async Task<StartSessionResult> StartSessionAsync(StartSessionRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var client = request.Client.ToClientInfo();
        var command = new StartSession(request.SessionId, request.Device.ToDevice(), request.RefreshJti, client)
        {
            Roles = request.Roles.IsDefault ? [] : request.Roles,
            Username = request.Username,
        };
        var outcome = await ExecuteAsync(command, client);
        return new StartSessionResult(SessionDetails.From(outcome.Session), SessionDetails.From(outcome.Replaced), outcome.Error);
    }

    /// <inheritdoc />
    public async Task<RefreshResult> RefreshAsync(RefreshRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var client = request.Client.ToClientInfo();
        var outcome = await ExecuteAsync(new RefreshSession(request.SessionId, request.PresentedJti, request.NewJti, client), client);
        return new RefreshResult(outcome.Status, SessionDetails.From(outcome.Session), outcome.Error, outcome.Error is null ? null : outcome.Session?.EndReason);
    }

    /// <inheritdoc />
    public async Task<EndSessionResult> EndSessionAsync(string sessionId, EndReason reason, ClientDetails client)
    {
        ArgumentNullException.ThrowIfNull(client);
        var outcome = await ExecuteAsync(new EndSession(sessionId, reason), client.ToClientInfo());
        return new EndSessionResult(outcome.Status, SessionDetails.From(outcome.Session));
    }

    /// <inheritdoc />
    public async Task<EndAllSessionsResult> EndAllSessionsAsync(EndReason reason, string? exceptSessionId, ClientDetails client)
    {
        ArgumentNullException.ThrowIfNull(client);
        var outcome = await ExecuteAsync(new EndAllSessions(reason, exceptSessionId), client.ToClientInfo());
        return new EndAllSessionsResult(SessionDetails.From(outcome.Ended));
    }

    /// <inheritdoc />
    public async Task<EndAllSessionsResult> CloseAsync(EndReason reason, ClientDetails client)
    {
        ArgumentNullException.ThrowIfNull(client);
        var outcome = await ExecuteAsync(new CloseLedger(reason), client.ToClientInfo());
        return new EndAllSessionsResult(SessionDetails.From(outcome.Ended));
    }

    /// <inheritdoc />
    public Task<ReopenStatus> ReopenAsync(ClientDetails client)
    {
        ArgumentNullException.ThrowIfNull(client);
        return ExecuteAsync(new ReopenLedger(), client.ToClientInfo());
    }

    /// <inheritdoc />
    public async Task<int> SweepAsync() => (await ExecuteAsync(new SweepSessions(), ClientInfo.None)).ActiveSessions;

    /// <inheritdoc />
    public Task<SessionCheckResult> CheckSessionAsync(string sessionId) =>
        Task.FromResult(SessionCheckResult.From(Ledger.Check(sessionId, time.GetUtcNow())));

    /// <inheritdoc />
    public Task<SessionList> ListSessionsAsync() => Task.FromResult(new SessionList(SessionDetails.From(Ledger.Sessions)));

    /// <inheritdoc />
    public Task<LedgerSummary> GetSummaryAsync()
    {
        var ledger = Ledger;
        var now = time.GetUtcNow();
        return Task.FromResult(new LedgerSummary(ledger.Version, ledger.ClosedFor, ledger.ActiveSessions.Count(s => !s.IsExpiredAt(now))));
    }

    /// <summary>Apply, write if changed (answering only after the write), then deliver the outbox.</summary>
    private async Task<TOutcome> ExecuteAsync<TOutcome>(LedgerCommand<TOutcome> command, ClientInfo client)
    {
        var before = state.State;
        var ledger = Ledger;
        var now = time.GetUtcNow();
        var change = command.Apply(ledger, now, _policy);
        if (change.Changed)
        {
            var next = change.Ledger with { Version = ledger.Version + 1 };
            state.State = new UserSessionState(next, [.. before.Outbox.Skip(_delivered), .. Logged(next, change.Events, client, now)]);
            try
            {
                await state.WriteStateAsync();
            }
            catch (Exception e)
            {
                state.State = before;
                SessionMetrics.WriteFailed(StateCommits.StaleEtag(e) is not null);
                if (StateCommits.StaleEtag(e) is { } stale)
                {
                    Log.StaleActivation(logger, UserId);
                    DeactivateOnIdle();
                    throw stale;
                }

                Log.StateWriteFailed(logger, UserId, e);
                throw new SessionStoreUnavailableException($"The session state of user {UserId} could not be written; nothing changed.");
            }

            _delivered = 0;
            SessionMetrics.Committed(change.Events);
        }

        await DeliverOutboxAsync(CancellationToken.None);
        return change.Outcome;
    }

    /// <summary>The events of a change as they go to the log, with ids that are the same however often they are sent.</summary>
    private ImmutableArray<LoggedEvent> Logged(Ledger next, ImmutableArray<LedgerEvent> events, ClientInfo client, DateTimeOffset now)
    {
        var logged = ImmutableArray.CreateBuilder<LoggedEvent>(events.Length);
        for (var i = 0; i < events.Length; i++)
        {
            var e = events[i];
            logged.Add(new LoggedEvent(
                $"{next.UserId}:{next.Version}:{i}",
                this.GetGrainId().ToString(),
                LoggedEvent.SequenceOf(next.Version, i),
                new AuditEntry(next.UserId, e.Kind, e.SessionId, e.Generation, e.Reason, client.IpAddress, client.UserAgent, RuntimeIdentity, now)));
        }

        return logged.MoveToImmutable();
    }

    /// <summary>
    /// Appends the undelivered part of the outbox. A failure leaves it in the outbox and offers it
    /// again every <see cref="RedeliveryInterval"/> (keeping the activation alive) until the log
    /// takes it: other fronts learn of an ended session only from the log (I5, I9), so its delivery
    /// must not wait for the user's next call.
    /// </summary>
    private async Task DeliverOutboxAsync(CancellationToken cancellationToken)
    {
        var outbox = state.State.Outbox;
        if (_delivered >= outbox.Length)
        {
            return;
        }

        var pending = outbox[_delivered..];
        try
        {
            await eventLog.AppendAsync(pending, cancellationToken);
            _delivered = outbox.Length;
            _redelivery?.Dispose();
            _redelivery = null;
        }
#pragma warning disable CA1031 // The change is committed; any failure of the log only delays delivery.
        catch (Exception e)
#pragma warning restore CA1031
        {
            Log.EventLogAppendFailed(logger, UserId, pending.Length, e);
            _redelivery ??= this.RegisterGrainTimer(
                DeliverOutboxAsync,
                new GrainTimerCreationOptions(RedeliveryInterval, RedeliveryInterval) { Interleave = false, KeepAlive = true });
        }
    }
}
