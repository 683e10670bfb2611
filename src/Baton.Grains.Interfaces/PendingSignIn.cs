namespace Baton.Grains;

/// <summary>An external sign-in waiting for its one-time code to be exchanged for a session.</summary>
/// <param name="UserId">Who signed in.</param>
/// <param name="Provider">Through which provider.</param>
/// <param name="Device">The device the sign-in started on (the session's device).</param>
[GenerateSerializer]
[Immutable]
[Alias("Baton.PendingSignIn")]
public sealed record PendingSignIn(
    [property: Id(0)] string UserId,
    [property: Id(1)] string Provider,
    [property: Id(2)] DeviceDetails Device);
