using System.Security.Cryptography;
using System.Text;
using Baton.Core.Tokens;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Baton.Benchmarks;

/// <summary>
/// Token minting and validation, each next to the raw signature primitive over the very same
/// signing input (the baseline of its category), so the Ratio column is the overhead of Baton's
/// parsing and checks. The IdentityModel handler is measured beside them for reference.
/// </summary>
[MemoryDiagnoser]
[CategoriesColumn]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
public class TokenBenchmarks
{
    private static readonly DateTimeOffset Now = DateTimeOffset.UtcNow;

    private TokenService _es256 = null!;
    private TokenService _hs256 = null!;
    private TokenService _es256Cached = null!;
    private AccessTokenRequest _access = null!;
    private RefreshTokenRequest _refresh = null!;
    private string _es256Token = "";
    private string _hs256Token = "";
    private string _refreshToken = "";
    private byte[] _es256Input = [];
    private byte[] _es256Signature = [];
    private byte[] _refreshInput = [];
    private ECDsa _rawEcdsa = null!;
    private byte[] _rawHmacKey = [];
    private JsonWebTokenHandler _handler = null!;
    private TokenValidationParameters _parameters = null!;

    [GlobalSetup]
    public void Setup()
    {
        var refreshKey = SigningKey.Generate(SigningAlgorithm.HS256, KeyPurpose.Refresh, Now, Now);
        var es256Key = SigningKey.Generate(SigningAlgorithm.ES256, KeyPurpose.Access, Now, Now);
        // The verified-token cache is off: these measure a first validation, the cryptography included.
        _es256 = new TokenService(new KeyRing([es256Key, refreshKey], new TokenOptions { VerifiedTokenCacheSize = 0 }));
        _es256Cached = new TokenService(new KeyRing([es256Key, refreshKey], new TokenOptions()));
        _hs256 = new TokenService(new KeyRing(
            [SigningKey.Generate(SigningAlgorithm.HS256, KeyPurpose.Access, Now, Now), refreshKey],
            new TokenOptions { AccessAlgorithm = SigningAlgorithm.HS256, VerifiedTokenCacheSize = 0 }));
        _access = new AccessTokenRequest("user-4b1f0c2e", "Qk9ZfS3m1q0H2w8xV7aLpg", ["member"]);
        _refresh = new RefreshTokenRequest("user-4b1f0c2e", "Qk9ZfS3m1q0H2w8xV7aLpg", "cT1m4qV0bX9sKe2WnR7yAg", Now.AddDays(7));
        _es256Token = _es256.IssueAccessToken(_access, Now).Token;
        _hs256Token = _hs256.IssueAccessToken(_access, Now).Token;
        _refreshToken = _es256.IssueRefreshToken(_refresh, Now);

        // The raw baselines work on the same bytes the token operations sign.
        _es256Input = SigningInput(_es256Token);
        _refreshInput = SigningInput(_refreshToken);
        _rawEcdsa = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        _es256Signature = _rawEcdsa.SignData(_es256Input, HashAlgorithmName.SHA256);
        _rawHmacKey = RandomNumberGenerator.GetBytes(32);

        var jwk = es256Key.ToPublicJwk()!;
        _handler = new JsonWebTokenHandler();
        _parameters = new TokenValidationParameters
        {
            ValidIssuer = "http://localhost:5000",
            ValidAudience = "baton",
            ValidTypes = [TokenTypes.Access],
            IssuerSigningKey = new JsonWebKey { Kty = jwk.Kty, Crv = jwk.Crv, X = jwk.X, Y = jwk.Y, Kid = jwk.Kid, Alg = jwk.Alg },
            ValidAlgorithms = ["ES256"],
        };
    }

    [GlobalCleanup]
    public void Cleanup() => _rawEcdsa.Dispose();

    [Benchmark(Baseline = true, Description = "raw ECDSA P-256 verify"), BenchmarkCategory("ES256 access validate")]
    public bool RawEcdsaVerify() => _rawEcdsa.VerifyData(_es256Input, _es256Signature, HashAlgorithmName.SHA256);

    [Benchmark(Description = "Baton validate"), BenchmarkCategory("ES256 access validate")]
    public bool ValidateEs256() => _es256.ValidateAccessToken(_es256Token, Now).Succeeded;

    [Benchmark(Description = "Baton validate, token seen before (verified-token cache)"), BenchmarkCategory("ES256 access validate")]
    public bool ValidateEs256Again() => _es256Cached.ValidateAccessToken(_es256Token, Now).Succeeded;

    [Benchmark(Description = "IdentityModel JsonWebTokenHandler validate"), BenchmarkCategory("ES256 access validate")]
    public async Task<bool> ValidateEs256WithIdentityModel() => (await _handler.ValidateTokenAsync(_es256Token, _parameters)).IsValid;

    [Benchmark(Baseline = true, Description = "raw ECDSA P-256 sign"), BenchmarkCategory("ES256 access mint")]
    public byte[] RawEcdsaSign() => _rawEcdsa.SignData(_es256Input, HashAlgorithmName.SHA256);

    [Benchmark(Description = "Baton mint"), BenchmarkCategory("ES256 access mint")]
    public string MintEs256() => _es256.IssueAccessToken(_access, Now).Token;

    [Benchmark(Baseline = true, Description = "raw HMAC-SHA256"), BenchmarkCategory("HS256 access validate")]
    public byte[] RawHmacAccess() => HMACSHA256.HashData(_rawHmacKey, _es256Input);

    [Benchmark(Description = "Baton validate"), BenchmarkCategory("HS256 access validate")]
    public bool ValidateHs256() => _hs256.ValidateAccessToken(_hs256Token, Now).Succeeded;

    [Benchmark(Baseline = true, Description = "raw HMAC-SHA256"), BenchmarkCategory("HS256 refresh validate")]
    public byte[] RawHmacRefresh() => HMACSHA256.HashData(_rawHmacKey, _refreshInput);

    [Benchmark(Description = "Baton validate"), BenchmarkCategory("HS256 refresh validate")]
    public bool ValidateRefresh() => _es256.ValidateRefreshToken(_refreshToken, Now).Succeeded;

    [Benchmark(Baseline = true, Description = "raw HMAC-SHA256"), BenchmarkCategory("HS256 refresh mint")]
    public byte[] RawHmacRefreshMint() => HMACSHA256.HashData(_rawHmacKey, _refreshInput);

    [Benchmark(Description = "Baton mint"), BenchmarkCategory("HS256 refresh mint")]
    public string MintRefresh() => _es256.IssueRefreshToken(_refresh, Now);

    private static byte[] SigningInput(string token) => Encoding.ASCII.GetBytes(token[..token.LastIndexOf('.')]);
}
