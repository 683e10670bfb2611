using System.Security.Cryptography;
using System.Text;

namespace Baton.Api;

/// <summary>What logs show instead of a token: the first 12 hex digits of its SHA-256, enough to correlate, useless to replay.</summary>
internal static class TokenFingerprint
{
    public static string Of(string token)
    {
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(token), hash);
        return Convert.ToHexStringLower(hash[..6]);
    }
}
