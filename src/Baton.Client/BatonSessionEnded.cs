namespace Baton.Client;

/// <summary>Why Baton refused to refresh a session: the session is over and the user must sign in again.</summary>
/// <param name="ClientName">The named <see cref="HttpClient"/> whose session ended (empty outside <c>IHttpClientFactory</c>).</param>
/// <param name="Code">Baton's error code: <c>session_ended</c>, <c>refresh_token_reused</c>, <c>invalid_token</c>, ...</param>
/// <param name="Reason">For <c>session_ended</c>, why: <c>logout</c>, <c>replaced</c>, <c>kicked</c>, <c>revoked</c>, <c>reuse_detected</c>, <c>password_changed</c>, <c>expired</c>, <c>account_locked</c>, <c>account_deleted</c>.</param>
/// <param name="Detail">Baton's sentence for a person ("You were signed out because you signed in on another device.").</param>
public sealed record BatonSessionEnded(string ClientName, string Code, string? Reason, string? Detail);
