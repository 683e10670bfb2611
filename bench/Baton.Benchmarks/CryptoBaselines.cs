using System.Security.Cryptography;
using BenchmarkDotNet.Attributes;

namespace Baton.Benchmarks;

/// <summary>The raw primitives under every token operation: the ceiling each token benchmark is compared with.</summary>
[MemoryDiagnoser]
public class CryptoBaselines
{
    private readonly byte[] _data = new byte[300];
    private ECDsa _ecdsa = null!;
    private byte[] _ecdsaSignature = [];
    private RSA _rsa = null!;
    private byte[] _rsaSignature = [];
    private byte[] _hmacKey = [];

    [GlobalSetup]
    public void Setup()
    {
        RandomNumberGenerator.Fill(_data);
        _ecdsa = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        _ecdsaSignature = _ecdsa.SignData(_data, HashAlgorithmName.SHA256);
        _rsa = RSA.Create(2048);
        _rsaSignature = _rsa.SignData(_data, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        _hmacKey = RandomNumberGenerator.GetBytes(32);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _ecdsa.Dispose();
        _rsa.Dispose();
    }

    [Benchmark(Description = "raw ECDSA P-256 sign")]
    public byte[] EcdsaSign() => _ecdsa.SignData(_data, HashAlgorithmName.SHA256);

    [Benchmark(Description = "raw ECDSA P-256 verify")]
    public bool EcdsaVerify() => _ecdsa.VerifyData(_data, _ecdsaSignature, HashAlgorithmName.SHA256);

    [Benchmark(Description = "raw RSA-2048 verify")]
    public bool RsaVerify() => _rsa.VerifyData(_data, _rsaSignature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);

    [Benchmark(Description = "raw HMAC-SHA256")]
    public byte[] Hmac() => HMACSHA256.HashData(_hmacKey, _data);
}
