using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Baton.Api.Options;
using Baton.Core.Tokens;
using Microsoft.Extensions.Options;

namespace Baton.Api.External;

/// <summary>
/// The <c>__Host-baton-external</c> cookie that binds a sign-in's state, PKCE verifier and nonce to
/// the browser that started it: AES-256-GCM (confidential and authenticated) under
/// <see cref="ExternalOptions.CookieKey"/> (or a key derived from the master key with HKDF, or a
/// random key per process), Secure, HttpOnly, Path=/, no Domain, SameSite=Lax (the provider's
/// redirect back is a cross-site navigation, which a Strict cookie would not follow), and
/// Max-Age = <see cref="ExternalOptions.FlowLifetime"/>. The callback deletes it, so a flow is used once.
/// </summary>
internal sealed class ExternalFlowCookie
{
    public const string Name = "__Host-baton-external";
    private const int NonceSize = 12;
    private const int TagSize = 16;
    private static readonly byte[] Associated = Encoding.ASCII.GetBytes("baton-external-flow-v1");
    private readonly byte[] _key;
    private readonly TimeProvider _time;
    private readonly TimeSpan _lifetime;

    public ExternalFlowCookie(IOptions<ExternalOptions> options, IOptions<TokenOptions> tokens, TimeProvider time)
    {
        _time = time;
        _lifetime = options.Value.FlowLifetime;
        _key = options.Value.CookieKey is { } key
            ? Convert.FromBase64String(key)
            : tokens.Value.MasterKey is { Length: > 0 } master
                ? HKDF.DeriveKey(HashAlgorithmName.SHA256, Convert.FromBase64String(master), 32, info: Associated)
                : RandomNumberGenerator.GetBytes(32);
    }

    public void Write(HttpResponse response, ExternalFlow flow)
    {
        var plain = JsonSerializer.SerializeToUtf8Bytes(flow);
        var sealedBytes = new byte[NonceSize + TagSize + plain.Length];
        var nonce = sealedBytes.AsSpan(0, NonceSize);
        RandomNumberGenerator.Fill(nonce);
        using (var aes = new AesGcm(_key, TagSize))
        {
            aes.Encrypt(nonce, plain, sealedBytes.AsSpan(NonceSize + TagSize), sealedBytes.AsSpan(NonceSize, TagSize), Associated);
        }

        response.Cookies.Append(Name, Base64Url.EncodeToString(sealedBytes), Attributes(_lifetime));
    }

    /// <summary>The flow in the request's cookie, or null when it is missing, forged, unreadable or expired.</summary>
    public ExternalFlow? Read(HttpRequest request)
    {
        var value = request.Cookies[Name];
        if (string.IsNullOrEmpty(value) || value.Length > 4096)
        {
            return null;
        }

        var bytes = new byte[Base64Url.GetMaxDecodedLength(value.Length)];
        if (Base64Url.DecodeFromChars(value, bytes, out _, out var length) != System.Buffers.OperationStatus.Done || length < NonceSize + TagSize)
        {
            return null;
        }

        var plain = new byte[length - NonceSize - TagSize];
        try
        {
            using var aes = new AesGcm(_key, TagSize);
            aes.Decrypt(bytes.AsSpan(0, NonceSize), bytes.AsSpan(NonceSize + TagSize, plain.Length), bytes.AsSpan(NonceSize, TagSize), plain, Associated);
            var flow = JsonSerializer.Deserialize<ExternalFlow>(plain);
            return flow is not null && _time.GetUtcNow() < flow.ExpiresAt ? flow : null;
        }
        catch (Exception e) when (e is AuthenticationTagMismatchException or JsonException)
        {
            return null;
        }
    }

    public DateTimeOffset ExpiryFromNow() => _time.GetUtcNow() + _lifetime;

    public static void Expire(HttpResponse response) => response.Cookies.Append(Name, "", Attributes(TimeSpan.Zero));

    private static CookieOptions Attributes(TimeSpan maxAge) => new()
    {
        Secure = true,
        HttpOnly = true,
        SameSite = SameSiteMode.Lax,
        Path = "/",
        MaxAge = maxAge,
        Expires = maxAge == TimeSpan.Zero ? DateTimeOffset.UnixEpoch : null,
        IsEssential = true,
    };
}
