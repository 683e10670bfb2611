using System.Buffers.Text;
using System.Security.Cryptography;

namespace Baton.Core;

/// <summary>Unguessable identifiers for sessions and token ids.</summary>
public static class RandomIds
{
    /// <summary>128 random bits from the OS CSPRNG, base64url without padding (22 characters).</summary>
    public static string New()
    {
        Span<byte> bytes = stackalloc byte[16];
        RandomNumberGenerator.Fill(bytes);
        return Base64Url.EncodeToString(bytes);
    }
}
