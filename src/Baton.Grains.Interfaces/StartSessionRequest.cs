using System.Collections.Immutable;

namespace Baton.Grains;

/// <summary>A login. The ids are chosen by the caller (random), so a retried call cannot start two sessions.</summary>
/// <param name="SessionId">The new session's id.</param>
/// <param name="RefreshJti">The <c>jti</c> of its first refresh token.</param>
/// <param name="Device">The device logging in.</param>
/// <param name="Client">Where the login came from.</param>
/// <param name="Roles">Roles its access tokens carry.</param>
/// <param name="Username">The account's username; null when a trusted backend starts the session.</param>
[GenerateSerializer]
[Immutable]
[Alias("Baton.StartSessionRequest")]
public sealed record StartSessionRequest(
    [property: Id(0)] string SessionId,
    [property: Id(1)] string RefreshJti,
    [property: Id(2)] DeviceDetails Device,
    [property: Id(3)] ClientDetails Client,
    [property: Id(4)] ImmutableArray<string> Roles,
    [property: Id(5)] string? Username);
