namespace Baton.Api.Auth;

/// <summary>The session the bearer handler accepted; <see cref="Username"/> when it was known without another call.</summary>
internal sealed record AuthenticatedSession(string UserId, string SessionId, string? Username);
