using System.Buffers.Text;
using System.Text.Json;

namespace Baton.Client;

/// <summary>
/// The <c>iat</c> and <c>exp</c> of an access token, read from its payload without checking the
/// signature: the client only uses them to decide when to refresh; the API decides what is valid.
/// </summary>
internal readonly record struct JwtTimes(DateTimeOffset? IssuedAt, DateTimeOffset ExpiresAt)
{
    private const int MaxPayloadLength = 16 * 1024;

    public static JwtTimes? Read(string token)
    {
        var first = token.IndexOf('.', StringComparison.Ordinal);
        var second = first < 0 ? -1 : token.IndexOf('.', first + 1);
        if (second < 0 || second - first - 1 > MaxPayloadLength)
        {
            return null;
        }

        var payload = token.AsSpan(first + 1, second - first - 1);
        // TryDecodeFromChars throws on a character outside the alphabet, so check first.
        var bytes = new byte[Base64Url.GetMaxDecodedLength(payload.Length)];
        if (!Base64Url.IsValid(payload) || !Base64Url.TryDecodeFromChars(payload, bytes, out var written))
        {
            return null;
        }

        try
        {
            using var json = JsonDocument.Parse(bytes.AsMemory(0, written));
            if (json.RootElement.ValueKind != JsonValueKind.Object
                || !json.RootElement.TryGetProperty("exp", out var exp)
                || exp.ValueKind != JsonValueKind.Number
                || !exp.TryGetInt64(out var expSeconds)
                || expSeconds is < 0 or > 253402300799)
            {
                return null;
            }

            DateTimeOffset? issuedAt = json.RootElement.TryGetProperty("iat", out var iat) && iat.ValueKind == JsonValueKind.Number && iat.TryGetInt64(out var iatSeconds) && iatSeconds is >= 0 and <= 253402300799
                ? DateTimeOffset.FromUnixTimeSeconds(iatSeconds)
                : null;
            return new JwtTimes(issuedAt, DateTimeOffset.FromUnixTimeSeconds(expSeconds));
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
