using System.Security.Cryptography;

namespace Baton.Core.Tokens;

/// <summary>
/// Encrypts private keys before they reach the store when a master key is configured
/// (AES-256-GCM, the kid as associated data so a ciphertext cannot be moved to another key's row).
/// Stored form: <c>"BATONKEY" || version 1 || nonce (12) || tag (16) || ciphertext</c>. Keys written
/// before a master key was configured stay readable as they are.
/// </summary>
public sealed class KeyProtector
{
    private const byte Version = 1;
    private static readonly byte[] Magic = "BATONKEY"u8.ToArray();
    private static readonly int HeaderLength = Magic.Length + 1 + AesGcm.NonceByteSizes.MaxSize + AesGcm.TagByteSizes.MaxSize;
    private readonly byte[]? _masterKey;

    /// <summary>A protector with the given 256-bit master key, or one that stores keys in the clear when it is null.</summary>
    /// <exception cref="ArgumentException">The master key is not 32 bytes.</exception>
    public KeyProtector(byte[]? masterKey)
    {
        if (masterKey is not null && masterKey.Length != 32)
        {
            throw new ArgumentException("The master key must be 32 bytes (256 bits).", nameof(masterKey));
        }

        _masterKey = masterKey;
    }

    /// <summary>No master key: private keys are stored in the clear.</summary>
    public static KeyProtector None { get; } = new(null);

    /// <summary>True when private keys are encrypted at rest.</summary>
    public bool Encrypts => _masterKey is not null;

    /// <summary>The material as it should be stored.</summary>
    public SigningKeyMaterial Protect(SigningKeyMaterial material)
    {
        ArgumentNullException.ThrowIfNull(material);
        if (_masterKey is null)
        {
            return material;
        }

        var stored = new byte[HeaderLength + material.PrivateKey.Length];
        Magic.CopyTo(stored, 0);
        stored[Magic.Length] = Version;
        var nonce = stored.AsSpan(Magic.Length + 1, AesGcm.NonceByteSizes.MaxSize);
        var tag = stored.AsSpan(Magic.Length + 1 + nonce.Length, AesGcm.TagByteSizes.MaxSize);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(_masterKey, AesGcm.TagByteSizes.MaxSize);
        aes.Encrypt(nonce, material.PrivateKey, stored.AsSpan(HeaderLength), tag, System.Text.Encoding.UTF8.GetBytes(material.Kid));
        return material with { PrivateKey = stored };
    }

    /// <summary>The material as the ring needs it.</summary>
    /// <exception cref="CryptographicException">The key is encrypted and no or another master key is configured.</exception>
    public SigningKeyMaterial Unprotect(SigningKeyMaterial material)
    {
        ArgumentNullException.ThrowIfNull(material);
        var stored = material.PrivateKey;
        if (stored.Length < HeaderLength || !stored.AsSpan(0, Magic.Length).SequenceEqual(Magic))
        {
            return material; // stored in the clear (before a master key was configured)
        }

        if (_masterKey is null)
        {
            throw new CryptographicException($"Signing key {material.Kid} is encrypted; configure the master key (Baton:Tokens:MasterKey).");
        }

        if (stored[Magic.Length] != Version)
        {
            throw new CryptographicException($"Signing key {material.Kid} has an unknown protection version.");
        }

        var nonce = stored.AsSpan(Magic.Length + 1, AesGcm.NonceByteSizes.MaxSize);
        var tag = stored.AsSpan(Magic.Length + 1 + nonce.Length, AesGcm.TagByteSizes.MaxSize);
        var plain = new byte[stored.Length - HeaderLength];
        using var aes = new AesGcm(_masterKey, AesGcm.TagByteSizes.MaxSize);
        aes.Decrypt(nonce, stored.AsSpan(HeaderLength), tag, plain, System.Text.Encoding.UTF8.GetBytes(material.Kid));
        return material with { PrivateKey = plain };
    }
}
