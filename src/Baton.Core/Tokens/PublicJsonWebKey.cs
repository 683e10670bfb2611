using System.Text.Json.Serialization;

namespace Baton.Core.Tokens;

/// <summary>The public half of an access token key as a JSON Web Key (RFC 7517), for the JWKS document.</summary>
/// <param name="Kty">Key type: <c>EC</c> or <c>RSA</c>.</param>
/// <param name="Kid">The key id tokens carry in their header.</param>
/// <param name="Alg">The one algorithm the key is used with.</param>
/// <param name="Crv">EC curve (<c>P-256</c>).</param>
/// <param name="X">EC x coordinate, base64url.</param>
/// <param name="Y">EC y coordinate, base64url.</param>
/// <param name="N">RSA modulus, base64url.</param>
/// <param name="E">RSA exponent, base64url.</param>
public sealed record PublicJsonWebKey(
    [property: JsonPropertyName("kty")] string Kty,
    [property: JsonPropertyName("kid")] string Kid,
    [property: JsonPropertyName("alg")] string Alg,
    [property: JsonPropertyName("crv"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Crv = null,
    [property: JsonPropertyName("x"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? X = null,
    [property: JsonPropertyName("y"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Y = null,
    [property: JsonPropertyName("n"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? N = null,
    [property: JsonPropertyName("e"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? E = null)
{
    /// <summary>Always <c>sig</c>: Baton's keys only sign.</summary>
    [JsonPropertyName("use")]
    public string Use { get; init; } = "sig";
}
