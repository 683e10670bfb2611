using System.Buffers.Text;
using System.Text;
using Baton.Core.Tokens;

namespace Baton.Core.Tests.Tokens;

/// <summary>A key ring and token service at a fixed time, and helpers to build tokens by hand.</summary>
internal sealed class TokenFixture : IDisposable
{
    public static readonly DateTimeOffset Now = new(2026, 5, 6, 7, 8, 9, TimeSpan.Zero);

    public TokenFixture(SigningAlgorithm accessAlgorithm = SigningAlgorithm.ES256, TokenOptions? options = null)
    {
        Options = options ?? new TokenOptions { AccessAlgorithm = accessAlgorithm };
        Options.AccessAlgorithm = accessAlgorithm;
        AccessKey = SigningKey.Generate(accessAlgorithm, KeyPurpose.Access, Now.AddDays(-1), Now.AddDays(-1));
        RefreshKey = SigningKey.Generate(SigningAlgorithm.HS256, KeyPurpose.Refresh, Now.AddDays(-1), Now.AddDays(-1));
        Tokens = new TokenService(new KeyRing([AccessKey, RefreshKey], Options));
    }

    public TokenOptions Options { get; }

    public SigningKey AccessKey { get; }

    public SigningKey RefreshKey { get; }

    public TokenService Tokens { get; }

    public static long NowSeconds => Now.ToUnixTimeSeconds();

    public string Access(DateTimeOffset? at = null) =>
        Tokens.IssueAccessToken(new AccessTokenRequest("user-1", "session-1", ["member"]), at ?? Now).Token;

    public string Refresh(DateTimeOffset? expires = null) =>
        Tokens.IssueRefreshToken(new RefreshTokenRequest("user-1", "session-1", "jti-1", expires ?? Now.AddDays(7)), Now);

    /// <summary>An access token payload with every claim valid; override by passing replacement JSON members.</summary>
    public string AccessPayload(string? replace = null, string? add = null) =>
        "{" + string.Join(',', Claims(Options.AccessAudience, replace, add)) + "}";

    public string RefreshPayload(string? replace = null, string? add = null) =>
        "{" + string.Join(',', Claims(Options.RefreshAudience, replace, add)) + "}";

    /// <summary>Signs <paramref name="payload"/> with the key's own (valid) header: only the claims are under test.</summary>
    public static string SignedWith(SigningKey key, string payload) => TokenService.Sign(key, Encoding.UTF8.GetBytes(payload));

    public static string SignedWith(SigningKey key, byte[] payload) => TokenService.Sign(key, payload);

    /// <summary>A compact JWS with an arbitrary header, signed validly by <paramref name="key"/>: only the header is under test.</summary>
    public static string WithHeader(SigningKey key, string headerJson, string payloadJson)
    {
        var input = B64(headerJson) + "." + B64(payloadJson);
        var signature = new byte[512];
        var length = key.Sign(Encoding.ASCII.GetBytes(input), signature);
        return input + "." + Base64Url.EncodeToString(signature.AsSpan(0, length));
    }

    public static string B64(string text) => Base64Url.EncodeToString(Encoding.UTF8.GetBytes(text));

    public static string Header(string token) => Encoding.UTF8.GetString(Base64Url.DecodeFromChars(token.Split('.')[0]));

    public void Dispose()
    {
        AccessKey.Dispose();
        RefreshKey.Dispose();
    }

    private List<string> Claims(string audience, string? replace, string? add)
    {
        var claims = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["iss"] = Json(Options.Issuer),
            ["aud"] = Json(audience),
            ["sub"] = "\"user-1\"",
            ["sid"] = "\"session-1\"",
            ["jti"] = "\"jti-1\"",
            ["iat"] = NowSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["exp"] = (NowSeconds + 600).ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        if (replace is not null)
        {
            var (name, value) = Split(replace);
            if (value is null)
            {
                claims.Remove(name);
            }
            else
            {
                claims[name] = value;
            }
        }

        var members = claims.Select(c => $"\"{c.Key}\":{c.Value}").ToList();
        if (add is not null)
        {
            members.Add(add);
        }

        return members;
    }

    /// <summary>"name=value" replaces a claim's JSON value; "name" alone removes the claim.</summary>
    private static (string Name, string? Value) Split(string replace)
    {
        var at = replace.IndexOf('=', StringComparison.Ordinal);
        return at < 0 ? (replace, null) : (replace[..at], replace[(at + 1)..]);
    }

    private static string Json(string value) => System.Text.Json.JsonSerializer.Serialize(value);
}
