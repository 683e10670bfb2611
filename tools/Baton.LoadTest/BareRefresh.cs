using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Baton.LoadTest;

/// <summary>
/// The least a durable refresh can do, as the ceiling of Baton's refresh: verify an HMAC-signed
/// refresh token, one durable write of a ledger-sized value (<see cref="ILedgerWrites"/>: SQLite
/// as the embedded default writes, or Orleans' Redis ETag write), mint the next refresh token
/// (HMAC) and sign an access token (ES256). No grain, no ledger, no policy, no event log: what is
/// left of Baton's refresh when the design is taken away.
/// </summary>
internal sealed class BareRefresh(ILedgerWrites writes) : IAsyncDisposable
{
    /// <summary>A fixed key: the client mints the tokens it presents with it (a baseline, not a secret).</summary>
    private static readonly byte[] Key = SHA256.HashData("baton load test bare refresh"u8);

    private static readonly string Header = Base64Url.EncodeToString("""{"alg":"HS256","typ":"rt+jwt"}"""u8);
    private static readonly string AccessHeader = Base64Url.EncodeToString("""{"alg":"ES256","kid":"bare","typ":"at+jwt"}"""u8);

    private readonly ECDsa _signer = ECDsa.Create(ECCurve.NamedCurves.nistP256);

    /// <summary>The refresh token of user <paramref name="user"/>, as the client presents it.</summary>
    public static string Token(int user) =>
        Mint(JsonSerializer.SerializeToUtf8Bytes(new { sub = $"user-{user}", sid = $"session-{user}", jti = Guid.NewGuid().ToString("N"), exp = DateTimeOffset.UtcNow.AddDays(7).ToUnixTimeSeconds() }));

    /// <summary>Verifies, writes, mints; null when the token does not verify.</summary>
    public async Task<object?> RotateAsync(string token)
    {
        var dot = token.LastIndexOf('.');
        if (dot < 0 || !Base64Url.IsValid(token.AsSpan(dot + 1)))
        {
            return null;
        }

        var expected = HMACSHA256.HashData(Key, Encoding.ASCII.GetBytes(token, 0, dot));
        if (!CryptographicOperations.FixedTimeEquals(expected, Base64Url.DecodeFromChars(token.AsSpan(dot + 1))))
        {
            return null;
        }

        var first = token.IndexOf('.', StringComparison.Ordinal);
        using var claims = JsonDocument.Parse(Base64Url.DecodeFromChars(token.AsSpan(first + 1, dot - first - 1)));
        var user = claims.RootElement.GetProperty("sub").GetString()!;
        var sid = claims.RootElement.GetProperty("sid").GetString()!;
        var jti = Guid.NewGuid().ToString("N");
        await writes.WriteAsync(user, jti);

        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var refresh = Mint(JsonSerializer.SerializeToUtf8Bytes(new { sub = user, sid, jti, exp = now + 604_800 }));
        var payload = Base64Url.EncodeToString(JsonSerializer.SerializeToUtf8Bytes(new { iss = "http://localhost", aud = "baton", sub = user, sid, jti = Guid.NewGuid().ToString("N"), iat = now, exp = now + 900, client_id = "baton" }));
        var input = AccessHeader + "." + payload;
        var access = input + "." + Base64Url.EncodeToString(_signer.SignData(Encoding.ASCII.GetBytes(input), HashAlgorithmName.SHA256));
        return new { access_token = access, token_type = "Bearer", expires_in = 900, refresh_token = refresh, refresh_expires_in = 604_800, session_id = sid };
    }

    private static string Mint(byte[] claims)
    {
        var input = Header + "." + Base64Url.EncodeToString(claims);
        return input + "." + Base64Url.EncodeToString(HMACSHA256.HashData(Key, Encoding.ASCII.GetBytes(input)));
    }

    public async ValueTask DisposeAsync()
    {
        await writes.DisposeAsync();
        _signer.Dispose();
    }
}
