using System.Buffers.Text;
using System.Globalization;
using System.Numerics;
using System.Security.Cryptography;
using System.Text;
using Baton.Core.Tokens;

namespace Baton.Core.Tests.Tokens;

/// <summary>SECURITY.md 1-9: forged tokens are refused as invalid, without an exception.</summary>
public sealed class ForgeryTests : IDisposable
{
    private const string P256N = "FFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551";
    private const string P256P = "FFFFFFFF00000001000000000000000000000000FFFFFFFFFFFFFFFFFFFFFFFF";
    private readonly TokenFixture _f = new();

    [Theory]
    [InlineData("none")]
    [InlineData("None")]
    [InlineData("NONE")]
    [InlineData("nOnE")]
    public void AlgNone_WithEmptyOrOriginalSignature_IsRefused(string alg)
    {
        var token = _f.Access();
        var parts = token.Split('.');
        var header = TokenFixture.B64($$"""{"alg":"{{alg}}","kid":"{{_f.AccessKey.Kid}}","typ":"at+jwt"}""");

        AssertInvalid(header + "." + parts[1] + ".");
        AssertInvalid(header + "." + parts[1] + "." + parts[2]);
        AssertInvalid(header + "." + parts[1]);
    }

    [Fact]
    public void Hs256_SignedWithThePublicKeyAsSecret_IsRefused()
    {
        var token = _f.Access();
        var payload = token.Split('.')[1];
        var jwk = _f.AccessKey.ToPublicJwk()!;
        using var ecdsa = ECDsa.Create(new ECParameters
        {
            Curve = ECCurve.NamedCurves.nistP256,
            Q = new ECPoint { X = Base64Url.DecodeFromChars(jwk.X), Y = Base64Url.DecodeFromChars(jwk.Y) },
        });
        var der = ecdsa.ExportSubjectPublicKeyInfo();
        var secrets = new[]
        {
            Encoding.ASCII.GetBytes(ecdsa.ExportSubjectPublicKeyInfoPem()),
            der,
            Encoding.UTF8.GetBytes(System.Text.Json.JsonSerializer.Serialize(jwk)),
        };

        foreach (var secret in secrets)
        {
            var header = TokenFixture.B64($$"""{"alg":"HS256","kid":"{{_f.AccessKey.Kid}}","typ":"at+jwt"}""");
            var input = header + "." + payload;
            var mac = HMACSHA256.HashData(secret, Encoding.ASCII.GetBytes(input));
            AssertInvalid(input + "." + Base64Url.EncodeToString(mac));
        }
    }

    public static TheoryData<string, string> BadSignatureScalars => new()
    {
        { "0", "0" },
        { P256N, "1" },
        { "1", P256N },
        { P256N, P256N },
        { "N+1", "1" },
        { "N-1", "N-1" },
        { P256P, "1" },
        { "1", P256P },
    };

    [Theory]
    [MemberData(nameof(BadSignatureScalars))]
    public void Es256_SignatureWithOutOfRangeScalars_IsRefused(string r, string s)
    {
        var input = _f.Access()[..^87];

        AssertInvalid(input + "." + Base64Url.EncodeToString([.. Scalar(r), .. Scalar(s)]));
    }

    [Fact]
    public void Signature_EmptyTruncatedOrExtended_IsRefused()
    {
        var token = _f.Access();
        var cut = token.LastIndexOf('.') + 1;

        AssertInvalid(token[..cut]);
        AssertInvalid(token[..^1]);
        AssertInvalid(token[..(cut + ((token.Length - cut) / 2))]);
        AssertInvalid(token + "A");
        AssertInvalid(token + "AAAA");
    }

    [Theory]
    [InlineData("jwk", """{"kty":"EC","crv":"P-256","x":"AAAA","y":"AAAA"}""")]
    [InlineData("jku", "\"https://attacker.example/jwks.json\"")]
    [InlineData("x5u", "\"https://attacker.example/cert.pem\"")]
    [InlineData("x5c", "[\"MIIB\"]")]
    [InlineData("crit", "[\"exp\"]")]
    public void Header_WithExtraMember_IsRefused_EvenWhenValidlySigned(string name, string value)
    {
        var header = $$"""{"alg":"ES256","kid":"{{_f.AccessKey.Kid}}","typ":"at+jwt","{{name}}":{{value}}}""";

        AssertInvalid(TokenFixture.WithHeader(_f.AccessKey, header, _f.AccessPayload()));
    }

    [Fact]
    public void Header_SameMembersInAnotherOrder_IsRefused()
    {
        // Pinning compares the header byte for byte; Baton never writes another order.
        var header = $$"""{"typ":"at+jwt","alg":"ES256","kid":"{{_f.AccessKey.Kid}}"}""";

        AssertInvalid(TokenFixture.WithHeader(_f.AccessKey, header, _f.AccessPayload()));
    }

    [Theory]
    [InlineData("../../../../etc/passwd")]
    [InlineData("' OR 1=1; DROP TABLE signing_keys; --")]
    [InlineData("unknown-kid")]
    [InlineData("")]
    public void Kid_HostileOrUnknown_IsRefused(string kid)
    {
        var header = System.Text.Json.JsonSerializer.Serialize(new { alg = "ES256", kid, typ = "at+jwt" });

        AssertInvalid(TokenFixture.WithHeader(_f.AccessKey, header, _f.AccessPayload()));
    }

    [Fact]
    public void Kid_TenKilobytes_IsRefused()
    {
        var header = System.Text.Json.JsonSerializer.Serialize(new { alg = "ES256", kid = new string('k', 10 * 1024), typ = "at+jwt" });

        AssertInvalid(TokenFixture.WithHeader(_f.AccessKey, header, _f.AccessPayload()));
    }

    [Fact]
    public void Payload_AnyCharacterChanged_WithOldSignature_IsRefused()
    {
        var token = _f.Access();
        var parts = token.Split('.');
        for (var i = 0; i < parts[1].Length; i++)
        {
            var changed = parts[1].ToCharArray();
            changed[i] = changed[i] == 'A' ? 'B' : 'A';
            AssertInvalid(parts[0] + "." + new string(changed) + "." + parts[2]);
        }
    }

    [Fact]
    public void Token_SignedByForeignKeyWithTheSameKid_IsRefused()
    {
        using var foreign = SigningKey.FromMaterial(SigningKey.Generate(SigningAlgorithm.ES256, KeyPurpose.Access, TokenFixture.Now, TokenFixture.Now).ToMaterial() with { Kid = _f.AccessKey.Kid });

        AssertInvalid(TokenFixture.SignedWith(foreign, _f.AccessPayload()));
    }

    public static TheoryData<string> MalformedTokens => new()
    {
        "",
        ".",
        "..",
        "...",
        "a.b",
        "a.b.c.d",
        "a.b.c.d.e",
        "{\"payload\":\"e30\",\"signatures\":[]}",
        "not a token at all",
        new string('.', 5000),
    };

    [Theory]
    [MemberData(nameof(MalformedTokens))]
    public void Malformed_IsRefused(string token) => AssertInvalid(token);

    [Theory]
    [InlineData('+')]
    [InlineData('/')]
    [InlineData('=')]
    [InlineData(' ')]
    [InlineData('é')]
    [InlineData('\n')]
    public void NonBase64UrlCharacter_InAnySegment_IsRefused(char bad)
    {
        var token = _f.Access();
        var dots = new[] { token.IndexOf('.', StringComparison.Ordinal), token.LastIndexOf('.') };

        AssertInvalid(token.Insert(dots[0] + 1, bad.ToString()));
        AssertInvalid(token.Insert(dots[1] + 1, bad.ToString()));
        AssertInvalid(token + bad);
        AssertInvalid(bad + token);
    }

    [Fact]
    public void Whitespace_AroundToken_IsRefused()
    {
        AssertInvalid(" " + _f.Access());
        AssertInvalid(_f.Access() + " ");
    }

    [Fact]
    public void JweShapedToken_IsRefused()
    {
        var header = TokenFixture.B64("""{"alg":"RSA-OAEP","enc":"A256GCM"}""");

        AssertInvalid($"{header}.AAAA.AAAA.AAAA.AAAA");
    }

    [Fact]
    public void OverMaxLength_IsRefused_BeforeParsing()
    {
        AssertInvalid(new string('a', _f.Options.MaxTokenLength + 1));
        AssertInvalid("Bearer " + new string('.', 1_000_000));
        Assert.Equal(ErrorCode.InvalidToken, _f.Tokens.ValidateAccessToken(null, TokenFixture.Now).Error);
    }

    public void Dispose() => _f.Dispose();

    private void AssertInvalid(string token)
    {
        Assert.Equal(ErrorCode.InvalidToken, _f.Tokens.ValidateAccessToken(token, TokenFixture.Now).Error);
        Assert.Equal(ErrorCode.InvalidToken, _f.Tokens.ValidateRefreshToken(token, TokenFixture.Now).Error);
    }

    private static byte[] Scalar(string value)
    {
        var n = BigInteger.Parse("0" + P256N, NumberStyles.HexNumber, CultureInfo.InvariantCulture);
        var number = value switch
        {
            "N+1" => n + 1,
            "N-1" => n - 1,
            _ => BigInteger.Parse("0" + value, NumberStyles.HexNumber, CultureInfo.InvariantCulture),
        };
        var bytes = number.ToByteArray(isUnsigned: true, isBigEndian: true);
        var fixedSize = new byte[32];
        bytes.AsSpan(Math.Max(0, bytes.Length - 32)).CopyTo(fixedSize.AsSpan(Math.Max(0, 32 - bytes.Length)));
        return fixedSize;
    }
}
