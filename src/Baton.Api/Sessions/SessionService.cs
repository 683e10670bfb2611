using System.Collections.Immutable;
using Baton.Core;
using Baton.Core.Ledgers;
using Baton.Core.Tokens;
using Baton.Grains;
using Baton.Api.Diagnostics;
using Baton.Silo;
using Microsoft.Extensions.Options;

namespace Baton.Api.Sessions;

/// <summary>
/// The session use cases on top of the users' grains (DESIGN.md §1): each call goes to the one
/// <see cref="IUserSessionGrain"/> of the user, which decides and stores the change before it
/// answers; this front then mints the token pair of the session's current generation (the ECDSA
/// signature runs here, never in a grain turn). Ids are chosen here, so a call retried after a
/// stale activation is decided again on the stored ledger and never mints a second successor.
/// </summary>
internal sealed class SessionService(
    IGrainFactory grains, SigningKeys keys, RevokedSessions revoked, IOptions<BatonClusterOptions> cluster, TimeProvider time, ILogger<SessionService> logger)
{
    // Embedded, the silo is this process: a call is answered or fails, never swallowed by a dying silo.
    private readonly TimeSpan _patience = cluster.Value.Enabled ? cluster.Value.RepeatAfter : Timeout.InfiniteTimeSpan;

    public async Task<SessionResult> StartAsync(string userId, string? username, ImmutableArray<string> roles, Device device, ClientInfo client, CancellationToken cancellationToken)
    {
        var request = new StartSessionRequest(RandomIds.New(), RandomIds.New(), DeviceDetails.From(device), ClientDetails.From(client), roles, username);
        var started = await CallAsync(userId, g => g.StartSessionAsync(request), cancellationToken);
        if (!started.Succeeded)
        {
            return SessionResult.Refused(ErrorCode.Unavailable);
        }

        Remember(started.Outcome.Replaced);

        return started.Outcome.Session is { } session
            ? Mint(userId, session)
            : SessionResult.Refused(started.Outcome.Error ?? ErrorCode.SessionLimitReached);
    }

    /// <summary>Verifies the refresh token (no grain call for a bad one), then rotates or replays inside the grace.</summary>
    public async Task<SessionResult> RefreshAsync(string? refreshToken, ClientInfo client, CancellationToken cancellationToken)
    {
        var result = await RotateAsync(refreshToken, client, cancellationToken);
        ServerMetrics.Refresh(result.Error);
        return result;
    }

    private async Task<SessionResult> RotateAsync(string? refreshToken, ClientInfo client, CancellationToken cancellationToken)
    {
        var verified = keys.Tokens.ValidateRefreshToken(refreshToken, time.GetUtcNow());
        if (!verified.Succeeded)
        {
            return SessionResult.Refused(verified.Error ?? ErrorCode.InvalidToken);
        }

        var claims = verified.Claims;
        var request = new RefreshRequest(claims.SessionId, claims.Jti, RandomIds.New(), ClientDetails.From(client));
        var refreshed = await CallAsync(claims.UserId, g => g.RefreshAsync(request), cancellationToken);
        if (!refreshed.Succeeded)
        {
            return SessionResult.Refused(ErrorCode.Unavailable);
        }

        var outcome = refreshed.Outcome;
        if (outcome.Session is { EndedAt: not null } ended)
        {
            Remember([ended]);
        }

        return outcome.Succeeded
            ? Mint(claims.UserId, outcome.Session)
            : SessionResult.Refused(outcome.Error ?? ErrorCode.InvalidToken, outcome.EndReason);
    }

    public async Task<GrainResult<EndSessionResult>> EndAsync(string userId, string sessionId, EndReason reason, ClientInfo client, CancellationToken cancellationToken)
    {
        var ended = await CallAsync(userId, g => g.EndSessionAsync(sessionId, reason, ClientDetails.From(client)), cancellationToken);
        if (ended.Succeeded && ended.Outcome.Session is { EndedAt: not null } session)
        {
            Remember([session]);
        }

        return ended;
    }

    public Task<GrainResult<EndAllSessionsResult>> EndAllAsync(string userId, EndReason reason, string? exceptSessionId, ClientInfo client, CancellationToken cancellationToken) =>
        EndingAsync(CallAsync(userId, g => g.EndAllSessionsAsync(reason, exceptSessionId, ClientDetails.From(client)), cancellationToken));

    /// <summary>Locks (or deletes) the account for sessions: ends every session with <paramref name="reason"/> and refuses new ones.</summary>
    public Task<GrainResult<EndAllSessionsResult>> CloseAsync(string userId, EndReason reason, ClientInfo client, CancellationToken cancellationToken) =>
        EndingAsync(CallAsync(userId, g => g.CloseAsync(reason, ClientDetails.From(client)), cancellationToken));

    /// <summary>Lets sessions start again for a locked account.</summary>
    public Task<GrainResult<ReopenStatus>> ReopenAsync(string userId, ClientInfo client, CancellationToken cancellationToken) =>
        CallAsync(userId, g => g.ReopenAsync(ClientDetails.From(client)), cancellationToken);

    /// <summary>Whether the session's tokens are acceptable now, asked of the grain (read-only).</summary>
    public Task<GrainResult<SessionCheckResult>> CheckAsync(string userId, string sessionId, CancellationToken cancellationToken) =>
        CallAsync(userId, g => g.CheckSessionAsync(sessionId), cancellationToken);

    /// <summary>Every session the user's ledger holds, active and recently ended (read-only).</summary>
    public Task<GrainResult<SessionList>> ListAsync(string userId, CancellationToken cancellationToken) =>
        CallAsync(userId, g => g.ListSessionsAsync(), cancellationToken);

    /// <summary>Whether the user is known and closed, and how many sessions are active (read-only).</summary>
    public Task<GrainResult<LedgerSummary>> SummaryAsync(string userId, CancellationToken cancellationToken) =>
        CallAsync(userId, g => g.GetSummaryAsync(), cancellationToken);

    /// <summary>
    /// One call to the user's grain, retried once on a stale activation (I8) and while its silo is
    /// lost (every call here is idempotent: <see cref="GrainFailures.RetryIdempotentAsync"/>), with
    /// every outage mapped to <see cref="GrainResult{T}.Unavailable"/> (<see cref="GrainFailures"/>).
    /// </summary>
    private async Task<GrainResult<T>> CallAsync<T>(string userId, Func<IUserSessionGrain, Task<T>> call, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var grain = grains.GetGrain<IUserSessionGrain>(userId);
        try
        {
            return GrainResult<T>.Success(await GrainFailures.RetryIdempotentAsync(() => call(grain), cluster.Value.RetryDelay, _patience, cluster.Value.ResponseTimeout, time, cancellationToken));
        }
        catch (Exception e) when (GrainFailures.IsUnavailable(e))
        {
            Log.GrainUnavailable(logger, e.GetType().Name, e);
            return GrainResult<T>.Unavailable;
        }
    }

    private async Task<GrainResult<EndAllSessionsResult>> EndingAsync(Task<GrainResult<EndAllSessionsResult>> call)
    {
        var ended = await call;
        if (ended.Succeeded)
        {
            Remember(ended.Outcome.Ended);
        }

        return ended;
    }

    /// <summary>
    /// This front refuses what it has just ended at once, whatever becomes of the grain's delivery
    /// to the event log (which is how the other fronts learn of it).
    /// </summary>
    private void Remember(IEnumerable<SessionDetails> ended)
    {
        foreach (var session in ended)
        {
            if (session.EndReason is { } reason)
            {
                revoked.Add(session.Id, reason, session.EndedAt ?? time.GetUtcNow());
            }
        }
    }

    private SessionResult Mint(string userId, SessionDetails session)
    {
        var now = time.GetUtcNow();
        var tokens = keys.Tokens;
        var access = tokens.IssueAccessToken(new AccessTokenRequest(userId, session.Id, session.Roles) { Username = session.Username }, now);
        var refreshExpires = session.RefreshExpiresAt;
        var refresh = tokens.IssueRefreshToken(new RefreshTokenRequest(userId, session.Id, session.CurrentJti, refreshExpires), now);
        var pair = new TokenPair(
            AccessToken: access.Token,
            TokenType: "Bearer",
            ExpiresIn: Seconds(access.ExpiresAt - now),
            RefreshToken: refresh,
            RefreshExpiresIn: Seconds(refreshExpires - now),
            SessionId: session.Id);
        return new SessionResult(pair, null, null, session, userId);
    }

    private static long Seconds(TimeSpan span) => Math.Max(0, (long)Math.Ceiling(span.TotalSeconds));
}
