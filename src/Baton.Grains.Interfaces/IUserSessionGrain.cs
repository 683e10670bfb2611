using Baton.Core;
using Baton.Core.Ledgers;
using Orleans.Concurrency;

namespace Baton.Grains;

/// <summary>
/// The one owner of a user's session ledger (DESIGN.md §1); key = user id. Not reentrant: writes
/// run one at a time, and each answers only after its change is stored. Every id (session id,
/// refresh <c>jti</c>) is chosen by the caller, so a call retried after an outage or a stale
/// activation (<see cref="GrainCalls.RetryOnceOnStaleActivationAsync{T}"/>) is decided again on
/// the stored ledger and never mints a second successor.
/// </summary>
/// <remarks>
/// Failures: <see cref="SessionStoreUnavailableException"/> when the state could not be written
/// (nothing changed, retry later: 503); <see cref="Orleans.Storage.InconsistentStateException"/>
/// when this activation was stale (nothing changed, it deactivated: retry once).
/// </remarks>
[Alias("Baton.IUserSessionGrain")]
public interface IUserSessionGrain : IGrainWithStringKey
{
    /// <summary>A login: starts a session under the policy's limits (evicting or refusing at a limit).</summary>
    [Alias("StartSession")]
    Task<StartSessionResult> StartSessionAsync(StartSessionRequest request);

    /// <summary>Rotates the presented refresh token, replays the current one inside the grace, or ends the session on reuse.</summary>
    [Alias("Refresh")]
    Task<RefreshResult> RefreshAsync(RefreshRequest request);

    /// <summary>Ends one session (logout, revoke); idempotent.</summary>
    [Alias("EndSession")]
    Task<EndSessionResult> EndSessionAsync(string sessionId, EndReason reason, ClientDetails client);

    /// <summary>Ends every active session but <paramref name="exceptSessionId"/> (kick, logout-all, password change).</summary>
    [Alias("EndAllSessions")]
    Task<EndAllSessionsResult> EndAllSessionsAsync(EndReason reason, string? exceptSessionId, ClientDetails client);

    /// <summary>Locks or deletes the account for sessions (<see cref="EndReason.AccountLocked"/> or <see cref="EndReason.AccountDeleted"/>): ends every session and refuses new ones.</summary>
    [Alias("Close")]
    Task<EndAllSessionsResult> CloseAsync(EndReason reason, ClientDetails client);

    /// <summary>Unlocks a locked account; a deleted one stays closed.</summary>
    [Alias("Reopen")]
    Task<ReopenStatus> ReopenAsync(ClientDetails client);

    /// <summary>Ends expired sessions and forgets old ended ones; returns the active sessions left.</summary>
    [Alias("Sweep")]
    Task<int> SweepAsync();

    /// <summary>Whether tokens of <paramref name="sessionId"/> are acceptable now; never writes.</summary>
    [ReadOnly]
    [Alias("CheckSession")]
    Task<SessionCheckResult> CheckSessionAsync(string sessionId);

    /// <summary>Every session the ledger holds, active and recently ended (with why), oldest login first; never writes.</summary>
    [ReadOnly]
    [Alias("ListSessions")]
    Task<SessionList> ListSessionsAsync();

    /// <summary>What the login check and the admin user view need: whether the user is known, closed, and how many sessions are active; never writes.</summary>
    [ReadOnly]
    [Alias("GetSummary")]
    Task<LedgerSummary> GetSummaryAsync();
}
