namespace Baton.Api.Auth;

/// <summary>The session the bearer handler accepted, with the username its access token carries (null for a trusted backend's session).</summary>
internal sealed record AuthenticatedSession(string UserId, string SessionId, string? Username);
