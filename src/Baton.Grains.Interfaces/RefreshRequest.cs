namespace Baton.Grains;

/// <summary>A refresh of a verified refresh token. <paramref name="NewJti"/> is chosen by the caller, so a retry rotates at most once.</summary>
/// <param name="SessionId">The token's <c>sid</c>.</param>
/// <param name="PresentedJti">The token's <c>jti</c>.</param>
/// <param name="NewJti">The <c>jti</c> to rotate to.</param>
/// <param name="Client">Where the refresh came from.</param>
[GenerateSerializer]
[Immutable]
[Alias("Baton.RefreshRequest")]
public sealed record RefreshRequest(
    [property: Id(0)] string SessionId,
    [property: Id(1)] string PresentedJti,
    [property: Id(2)] string NewJti,
    [property: Id(3)] ClientDetails Client);
