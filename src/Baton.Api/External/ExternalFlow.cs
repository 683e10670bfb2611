using System.Text.Json.Serialization;

namespace Baton.Api.External;

/// <summary>
/// One sign-in or link in progress, kept only in the browser's flow cookie (encrypted and
/// authenticated, <see cref="ExternalFlowCookie"/>): nothing is stored server-side until the callback.
/// </summary>
/// <param name="Provider">The provider's name.</param>
/// <param name="State">The <c>state</c> sent to the provider; the callback must bring it back.</param>
/// <param name="Verifier">The PKCE code verifier (its S256 challenge went to the provider).</param>
/// <param name="Nonce">OIDC: the nonce the <c>id_token</c> must carry.</param>
/// <param name="ReturnTo">Where the browser goes afterwards (checked against the allow-list).</param>
/// <param name="Cookie">Sign-in in cookie mode (the refresh token goes into the refresh cookie) rather than with a one-time code.</param>
/// <param name="LinkUserId">A link: the signed-in user the identity is linked to.</param>
/// <param name="LinkSessionId">A link: the session that asked (it must still be active at the callback).</param>
/// <param name="DeviceId">The device of the session to start.</param>
/// <param name="DeviceType">Its type.</param>
/// <param name="DeviceName">Its name.</param>
/// <param name="ExpiresAt">When the flow stops being accepted (the cookie's own expiry aside).</param>
internal sealed record ExternalFlow(
    [property: JsonPropertyName("p")] string Provider,
    [property: JsonPropertyName("s")] string State,
    [property: JsonPropertyName("v")] string Verifier,
    [property: JsonPropertyName("n")] string? Nonce,
    [property: JsonPropertyName("r")] string ReturnTo,
    [property: JsonPropertyName("c")] bool Cookie,
    [property: JsonPropertyName("lu")] string? LinkUserId,
    [property: JsonPropertyName("ls")] string? LinkSessionId,
    [property: JsonPropertyName("di")] string DeviceId,
    [property: JsonPropertyName("dt")] string DeviceType,
    [property: JsonPropertyName("dn")] string? DeviceName,
    [property: JsonPropertyName("e")] DateTimeOffset ExpiresAt);
