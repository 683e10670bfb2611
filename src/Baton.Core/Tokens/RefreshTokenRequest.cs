namespace Baton.Core.Tokens;

/// <summary>What a refresh token says: the session and its current refresh generation's id.</summary>
/// <param name="UserId">The <c>sub</c> claim: which ledger to load.</param>
/// <param name="SessionId">The <c>sid</c> claim.</param>
/// <param name="Jti">The session's current refresh jti (<see cref="Ledgers.Session.CurrentJti"/>).</param>
/// <param name="ExpiresAt">The session's refresh expiry (<c>exp</c>, whole seconds).</param>
public sealed record RefreshTokenRequest(string UserId, string SessionId, string Jti, DateTimeOffset ExpiresAt);
