using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Baton.Core.Tokens;

/// <summary>
/// One key of the ring, pinned to one algorithm and one purpose. Its JWS header is fixed when the
/// key is loaded, so validation can recognise the key by comparing the header segment byte for
/// byte: a token whose header differs in any way (<c>alg</c>, <c>typ</c>, <c>crit</c>, <c>jku</c>, ...)
/// matches no key and is refused without being decoded.
/// </summary>
public sealed class SigningKey : IDisposable
{
    private const int SecretLength = 32;

    private readonly ECDsa? _ecdsa;
    private readonly RSA? _rsa;
    private readonly byte[]? _secret;

    private SigningKey(SigningKeyMaterial material, ECDsa? ecdsa, RSA? rsa, byte[]? secret)
    {
        Kid = material.Kid;
        Algorithm = material.Algorithm;
        Purpose = material.Purpose;
        CreatedAt = material.CreatedAt;
        ActivatesAt = material.ActivatesAt;
        RetiresAt = material.RetiresAt;
        _ecdsa = ecdsa;
        _rsa = rsa;
        _secret = secret;
        SignatureLength = Algorithm switch
        {
            SigningAlgorithm.ES256 => 64,
            SigningAlgorithm.RS256 => rsa!.KeySize / 8,
            _ => SecretLength,
        };
        EncodedHeader = Base64Url.EncodeToString(HeaderJson(Kid, Algorithm, Purpose));
        EncodedHeaderBytes = Encoding.ASCII.GetBytes(EncodedHeader);
    }

    /// <summary>The key id.</summary>
    public string Kid { get; }

    /// <summary>The one algorithm this key signs and verifies with.</summary>
    public SigningAlgorithm Algorithm { get; }

    /// <summary>What this key signs.</summary>
    public KeyPurpose Purpose { get; }

    /// <summary>When the key was generated (it is published from then on).</summary>
    public DateTimeOffset CreatedAt { get; }

    /// <summary>When the key starts signing.</summary>
    public DateTimeOffset ActivatesAt { get; }

    /// <summary>When the key stopped signing, if it has been retired.</summary>
    public DateTimeOffset? RetiresAt { get; }

    /// <summary>True for keys whose public half may be published (ES256, RS256).</summary>
    public bool IsAsymmetric => Algorithm != SigningAlgorithm.HS256;

    /// <summary>The signature's length in bytes.</summary>
    internal int SignatureLength { get; }

    /// <summary>The base64url JWS header every token of this key carries.</summary>
    internal string EncodedHeader { get; }

    /// <summary><see cref="EncodedHeader"/> as ASCII bytes, the start of every signing input.</summary>
    internal byte[] EncodedHeaderBytes { get; }

    /// <summary>Generates a new key, with a random kid unless one is given.</summary>
    /// <exception cref="ArgumentException">A refresh key that is not HS256: refresh tokens are only ever read by Baton.</exception>
    public static SigningKey Generate(SigningAlgorithm algorithm, KeyPurpose purpose, DateTimeOffset createdAt, DateTimeOffset activatesAt, string? kid = null)
    {
        if (purpose == KeyPurpose.Refresh && algorithm != SigningAlgorithm.HS256)
        {
            throw new ArgumentException("Refresh token keys are HS256.", nameof(algorithm));
        }

        byte[] privateKey;
        switch (algorithm)
        {
            case SigningAlgorithm.ES256:
                using (var ecdsa = ECDsa.Create(ECCurve.NamedCurves.nistP256))
                {
                    privateKey = ecdsa.ExportPkcs8PrivateKey();
                }

                break;
            case SigningAlgorithm.RS256:
                using (var rsa = RSA.Create(2048))
                {
                    privateKey = rsa.ExportPkcs8PrivateKey();
                }

                break;
            default:
                privateKey = RandomNumberGenerator.GetBytes(SecretLength);
                break;
        }

        return FromMaterial(new SigningKeyMaterial(kid ?? RandomIds.New(), algorithm, purpose, createdAt, activatesAt, null, privateKey));
    }

    /// <summary>Loads a stored key.</summary>
    /// <exception cref="CryptographicException">The private key does not match its algorithm.</exception>
    public static SigningKey FromMaterial(SigningKeyMaterial material)
    {
        ArgumentNullException.ThrowIfNull(material);
        switch (material.Algorithm)
        {
            case SigningAlgorithm.ES256:
                var ecdsa = ECDsa.Create();
                ecdsa.ImportPkcs8PrivateKey(material.PrivateKey, out _);
                if (ecdsa.KeySize != 256)
                {
                    ecdsa.Dispose();
                    throw new CryptographicException($"Key {material.Kid} is not a P-256 key.");
                }

                return new SigningKey(material, ecdsa, null, null);
            case SigningAlgorithm.RS256:
                var rsa = RSA.Create();
                rsa.ImportPkcs8PrivateKey(material.PrivateKey, out _);
                if (rsa.KeySize < 2048)
                {
                    rsa.Dispose();
                    throw new CryptographicException($"Key {material.Kid} is shorter than 2048 bits.");
                }

                return new SigningKey(material, null, rsa, null);
            case SigningAlgorithm.HS256:
                if (material.PrivateKey.Length < SecretLength)
                {
                    throw new CryptographicException($"Key {material.Kid} is shorter than 256 bits.");
                }

                return new SigningKey(material, null, null, material.PrivateKey.ToArray());
            default:
                throw new CryptographicException($"Key {material.Kid} has an unknown algorithm.");
        }
    }

    /// <summary>The key as stores persist it.</summary>
    public SigningKeyMaterial ToMaterial()
    {
        var privateKey = Algorithm switch
        {
            SigningAlgorithm.ES256 => _ecdsa!.ExportPkcs8PrivateKey(),
            SigningAlgorithm.RS256 => _rsa!.ExportPkcs8PrivateKey(),
            _ => _secret!.ToArray(),
        };
        return new SigningKeyMaterial(Kid, Algorithm, Purpose, CreatedAt, ActivatesAt, RetiresAt, privateKey);
    }

    /// <summary>The public key as a JWK, or null for a symmetric key (which is never published).</summary>
    public PublicJsonWebKey? ToPublicJwk()
    {
        switch (Algorithm)
        {
            case SigningAlgorithm.ES256:
                var ec = _ecdsa!.ExportParameters(includePrivateParameters: false);
                return new PublicJsonWebKey("EC", Kid, "ES256", Crv: "P-256", X: Base64Url.EncodeToString(ec.Q.X), Y: Base64Url.EncodeToString(ec.Q.Y));
            case SigningAlgorithm.RS256:
                var rsa = _rsa!.ExportParameters(includePrivateParameters: false);
                return new PublicJsonWebKey("RSA", Kid, "RS256", N: Base64Url.EncodeToString(rsa.Modulus), E: Base64Url.EncodeToString(rsa.Exponent));
            default:
                return null;
        }
    }

    /// <summary>True when this key is the one to sign with at <paramref name="now"/> (activated, not retired).</summary>
    public bool SignsAt(DateTimeOffset now) => ActivatesAt <= now && (RetiresAt is not { } retired || now < retired);

    /// <summary>Signs <paramref name="data"/> into <paramref name="signature"/> (at least <see cref="SignatureLength"/> bytes); returns the length.</summary>
    internal int Sign(ReadOnlySpan<byte> data, Span<byte> signature)
    {
        int written;
        var signed = Algorithm switch
        {
            SigningAlgorithm.ES256 => _ecdsa!.TrySignData(data, signature, HashAlgorithmName.SHA256, out written),
            SigningAlgorithm.RS256 => _rsa!.TrySignData(data, signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1, out written),
            _ => HMACSHA256.TryHashData(_secret, data, signature, out written),
        };
        return signed ? written : throw new CryptographicException($"Key {Kid} could not sign.");
    }

    /// <summary>Checks a signature in constant time for HMAC; ECDSA signatures are the IEEE P1363 r||s form JWS uses.</summary>
    internal bool Verify(ReadOnlySpan<byte> data, ReadOnlySpan<byte> signature)
    {
        switch (Algorithm)
        {
            case SigningAlgorithm.ES256:
                return _ecdsa!.VerifyData(data, signature, HashAlgorithmName.SHA256);
            case SigningAlgorithm.RS256:
                return _rsa!.VerifyData(data, signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
            default:
                Span<byte> expected = stackalloc byte[SecretLength];
                HMACSHA256.HashData(_secret, data, expected);
                return CryptographicOperations.FixedTimeEquals(expected, signature);
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _ecdsa?.Dispose();
        _rsa?.Dispose();
        if (_secret is not null)
        {
            CryptographicOperations.ZeroMemory(_secret);
        }
    }

    private static byte[] HeaderJson(string kid, SigningAlgorithm algorithm, KeyPurpose purpose)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, TokenService.WriterOptions))
        {
            writer.WriteStartObject();
            writer.WriteString("alg", algorithm.ToString());
            writer.WriteString("kid", kid);
            writer.WriteString("typ", TokenTypes.For(purpose));
            writer.WriteEndObject();
        }

        return buffer.ToArray();
    }
}
