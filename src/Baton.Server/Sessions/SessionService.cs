using System.Collections.Immutable;
using Baton.Core;
using Baton.Core.Engine;
using Baton.Core.Ledgers;
using Baton.Core.Tokens;
using Baton.Server.Diagnostics;

namespace Baton.Server.Sessions;

/// <summary>
/// The session use cases on top of the engine: start, refresh and end sessions, and mint the
/// token pair of a session's current generation. Tokens are minted only after the engine has
/// committed the change that makes them valid (DESIGN.md §1 step 4).
/// </summary>
internal sealed class SessionService(LedgerEngine engine, SigningKeys keys, TimeProvider time)
{
    public LedgerEngine Engine => engine;

    public async Task<SessionResult> StartAsync(string userId, string? username, ImmutableArray<string> roles, Device device, ClientInfo client, CancellationToken cancellationToken)
    {
        var command = new StartSession(RandomIds.New(), device, RandomIds.New(), client) { Roles = roles, Username = username };
        var result = await engine.ExecuteAsync(userId, command, client, cancellationToken);
        if (!result.Succeeded)
        {
            return SessionResult.Refused(ErrorCode.Unavailable);
        }

        return result.Outcome.Session is { } session
            ? Mint(userId, session)
            : SessionResult.Refused(result.Outcome.Error ?? ErrorCode.SessionLimitReached);
    }

    /// <summary>Verifies the refresh token (no store I/O for a bad one), then rotates or replays inside the grace.</summary>
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
        var command = new RefreshSession(claims.SessionId, claims.Jti, RandomIds.New(), client);
        var result = await engine.ExecuteAsync(claims.UserId, command, client, cancellationToken);
        if (!result.Succeeded)
        {
            return SessionResult.Refused(ErrorCode.Unavailable);
        }

        var outcome = result.Outcome;
        return outcome.Error is { } error
            ? SessionResult.Refused(error, error == ErrorCode.RefreshTokenReused ? EndReason.ReuseDetected : outcome.Session?.EndReason)
            : Mint(claims.UserId, outcome.Session!);
    }

    public async Task<EngineResult<EndSessionOutcome>> EndAsync(string userId, string sessionId, EndReason reason, ClientInfo client, CancellationToken cancellationToken) =>
        await engine.ExecuteAsync(userId, new EndSession(sessionId, reason), client, cancellationToken);

    public async Task<EngineResult<EndAllSessionsOutcome>> EndAllAsync(string userId, EndReason reason, string? exceptSessionId, ClientInfo client, CancellationToken cancellationToken) =>
        await engine.ExecuteAsync(userId, new EndAllSessions(reason, exceptSessionId), client, cancellationToken);

    /// <summary>Locks (or deletes) the account for sessions: ends every session with <paramref name="reason"/> and refuses new ones.</summary>
    public async Task<EngineResult<EndAllSessionsOutcome>> CloseAsync(string userId, EndReason reason, ClientInfo client, CancellationToken cancellationToken) =>
        await engine.ExecuteAsync(userId, new CloseLedger(reason), client, cancellationToken);

    /// <summary>Lets sessions start again for a locked account.</summary>
    public async Task<EngineResult<ReopenStatus>> ReopenAsync(string userId, ClientInfo client, CancellationToken cancellationToken) =>
        await engine.ExecuteAsync(userId, new ReopenLedger(), client, cancellationToken);

    private SessionResult Mint(string userId, Session session)
    {
        var now = time.GetUtcNow();
        var tokens = keys.Tokens;
        var access = tokens.IssueAccessToken(new AccessTokenRequest(userId, session.Id, session.Roles), now);
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
