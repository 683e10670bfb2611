using System.Buffers;
using System.Buffers.Text;
using System.Collections.Immutable;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Baton.Core.Tokens;

/// <summary>
/// Mints and validates Baton's two kinds of token over one <see cref="KeyRing"/> snapshot.
/// Validation is ordered cheapest first and never throws for bad input: length, shape, the
/// exact header of a known key (which pins <c>alg</c>, <c>kid</c> and <c>typ</c>), the base64url
/// alphabet, the signature, and only then the claims, parsed strictly (duplicates, wrong types
/// and missing claims refuse the token). Pure: no I/O, time comes in as an argument.
/// </summary>
public sealed class TokenService
{
    /// <summary>The meter counting access token validations by how they were answered (<c>baton.tokens.access_validations</c>), for exporters.</summary>
    public const string MeterName = "Baton.Tokens";

    private const int MaxClaimLength = 256;
    private const int MaxRoles = 64;
    private const long LatestUnixSeconds = 253_402_300_799; // 9999-12-31T23:59:59Z, DateTimeOffset's limit
    private const int MaxSignatureLength = 512;

    private static readonly SearchValues<char> Base64UrlAlphabet =
        SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_");

    private static readonly JsonReaderOptions StrictReader = new() { MaxDepth = 4 };

    /// <summary>Writes <c>at+jwt</c> rather than <c>at\u002Bjwt</c>; tokens are never embedded in HTML.</summary>
    internal static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private readonly TokenOptions _options;
    private readonly VerifiedTokenCache _verified;
    private readonly byte[] _issuer;
    private readonly byte[] _accessAudience;
    private readonly byte[] _refreshAudience;

    /// <summary>Creates the service over <paramref name="ring"/> and its options.</summary>
    public TokenService(KeyRing ring)
    {
        ArgumentNullException.ThrowIfNull(ring);
        Ring = ring;
        _options = ring.Options;
        _verified = new VerifiedTokenCache(_options.VerifiedTokenCacheSize);
        _issuer = Encoding.UTF8.GetBytes(_options.Issuer);
        _accessAudience = Encoding.UTF8.GetBytes(_options.AccessAudience);
        _refreshAudience = Encoding.UTF8.GetBytes(_options.RefreshAudience);
    }

    /// <summary>The keys this service signs and verifies with.</summary>
    public KeyRing Ring { get; }

    [Flags]
    private enum Claim
    {
        None = 0,
        Iss = 1,
        Aud = 2,
        Sub = 4,
        Sid = 8,
        Jti = 16,
        Iat = 32,
        Exp = 64,
        Nbf = 128,
        Roles = 256,
        Username = 512,
        Other = 1024,
        Required = Iss | Aud | Sub | Sid | Jti | Iat | Exp,
    }

    /// <summary>Mints an RFC 9068 access token with the active access key.</summary>
    /// <exception cref="InvalidOperationException">No access key is active (the ring was not initialized).</exception>
    public IssuedToken IssueAccessToken(AccessTokenRequest request, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(request);
        var key = Ring.SignerFor(KeyPurpose.Access, now) ?? throw new InvalidOperationException("No access token key is active.");
        var issuedAt = now.ToUnixTimeSeconds();
        var expires = issuedAt + (long)_options.AccessTokenLifetime.TotalSeconds;
        var jti = RandomIds.New();

        var payload = new ArrayBufferWriter<byte>(384);
        using (var json = new Utf8JsonWriter(payload, WriterOptions))
        {
            json.WriteStartObject();
            json.WriteString("iss"u8, _issuer);
            json.WriteString("aud"u8, _accessAudience);
            json.WriteString("sub"u8, request.UserId);
            json.WriteString("sid"u8, request.SessionId);
            json.WriteString("jti"u8, jti);
            json.WriteString("client_id"u8, _options.ClientId);
            json.WriteNumber("iat"u8, issuedAt);
            json.WriteNumber("exp"u8, expires);
            if (request.Username is { } username)
            {
                json.WriteString("preferred_username"u8, username);
            }

            if (!request.Roles.IsDefaultOrEmpty)
            {
                json.WriteStartArray("roles"u8);
                foreach (var role in request.Roles)
                {
                    json.WriteStringValue(role);
                }

                json.WriteEndArray();
            }

            json.WriteEndObject();
        }

        var token = Sign(key, payload.WrittenSpan);

        // The client usually comes back to the node that signed its token: remember the token as
        // verified, with its claims read by the same strict reader a validation uses (so a token
        // validation would refuse, say for a claim over the length limit, is never remembered).
        if (token.Length <= _options.MaxTokenLength && ReadClaims(payload.WrittenSpan, KeyPurpose.Access, now, out var claims) is null)
        {
            _verified.Add(token, AccessClaimsOf(claims));
        }

        return new IssuedToken(token, jti, DateTimeOffset.FromUnixTimeSeconds(expires));
    }

    /// <summary>Mints a refresh token for the session's current generation with the active refresh key.</summary>
    /// <exception cref="InvalidOperationException">No refresh key is active (the ring was not initialized).</exception>
    public string IssueRefreshToken(RefreshTokenRequest request, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(request);
        var key = Ring.SignerFor(KeyPurpose.Refresh, now) ?? throw new InvalidOperationException("No refresh token key is active.");
        var payload = new ArrayBufferWriter<byte>(256);
        using (var json = new Utf8JsonWriter(payload, WriterOptions))
        {
            json.WriteStartObject();
            json.WriteString("iss"u8, _issuer);
            json.WriteString("aud"u8, _refreshAudience);
            json.WriteString("sub"u8, request.UserId);
            json.WriteString("sid"u8, request.SessionId);
            json.WriteString("jti"u8, request.Jti);
            json.WriteNumber("iat"u8, now.ToUnixTimeSeconds());
            json.WriteNumber("exp"u8, request.ExpiresAt.ToUnixTimeSeconds());
            json.WriteEndObject();
        }

        return Sign(key, payload.WrittenSpan);
    }

    /// <summary>Validates an access token (never a refresh token); no I/O, no exception for bad input.</summary>
    public TokenValidationResult<AccessTokenClaims> ValidateAccessToken(string? token, DateTimeOffset now)
    {
        // A client sends the same access token with every call until it expires. A token that
        // verified before, byte for byte, under this same ring verifies again: only its lifetime
        // can have changed. So the ECDSA verification (most of the cost) is done once per token.
        if (token is not null && _verified.TryGet(token, out var known))
        {
            if (now < known.ExpiresAt + _options.ClockSkew)
            {
                return new(known);
            }

            _verified.Remove(token);
            return new(ErrorCode.TokenExpired);
        }

        var error = Validate(token, KeyPurpose.Access, now, out var claims);
        VerifiedTokenCache.CountVerification(error is null);
        if (error is { } code)
        {
            return new(code);
        }

        var valid = AccessClaimsOf(claims);
        _verified.Add(token!, valid);
        return new(valid);
    }

    private static AccessTokenClaims AccessClaimsOf(in ParsedClaims claims) =>
        new(claims.Subject!, claims.SessionId!, claims.Jti!, claims.IssuedAt, claims.ExpiresAt, claims.Roles) { Username = claims.Username };

    /// <summary>Validates a refresh token (never an access token); no I/O, no exception for bad input.</summary>
    public TokenValidationResult<RefreshTokenClaims> ValidateRefreshToken(string? token, DateTimeOffset now)
    {
        var error = Validate(token, KeyPurpose.Refresh, now, out var claims);
        return error is { } code
            ? new(code)
            : new(new RefreshTokenClaims(claims.Subject!, claims.SessionId!, claims.Jti!, claims.IssuedAt, claims.ExpiresAt));
    }

    /// <summary>Signs <paramref name="payload"/> as a compact JWS with <paramref name="key"/>'s fixed header.</summary>
    internal static string Sign(SigningKey key, ReadOnlySpan<byte> payload)
    {
        var header = key.EncodedHeaderBytes;
        var signingInputLength = header.Length + 1 + Base64Url.GetEncodedLength(payload.Length);
        var total = signingInputLength + 1 + Base64Url.GetEncodedLength(key.SignatureLength);
        var rented = ArrayPool<byte>.Shared.Rent(total + key.SignatureLength);
        try
        {
            var token = rented.AsSpan(0, total);
            header.CopyTo(token);
            token[header.Length] = (byte)'.';
            Base64Url.EncodeToUtf8(payload, token[(header.Length + 1)..]);
            token[signingInputLength] = (byte)'.';
            var signature = rented.AsSpan(total, key.SignatureLength);
            var signatureLength = key.Sign(token[..signingInputLength], signature);
            Base64Url.EncodeToUtf8(signature[..signatureLength], token[(signingInputLength + 1)..]);
            return Encoding.ASCII.GetString(token);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    private ErrorCode? Validate(string? token, KeyPurpose purpose, DateTimeOffset now, out ParsedClaims claims)
    {
        claims = default;
        if (string.IsNullOrEmpty(token) || token.Length > _options.MaxTokenLength)
        {
            return ErrorCode.InvalidToken;
        }

        // Signing input (ASCII) and decoded payload share one buffer: each is at most token.Length bytes.
        var scratch = ArrayPool<byte>.Shared.Rent(token.Length * 2);
        try
        {
            if (!TryVerifySignature(token, purpose, now, scratch, out var payload))
            {
                return ErrorCode.InvalidToken;
            }

            return ReadClaims(payload, purpose, now, out claims);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(scratch);
        }
    }

    private bool TryVerifySignature(string token, KeyPurpose purpose, DateTimeOffset now, byte[] scratch, out ReadOnlySpan<byte> payload)
    {
        payload = default;
        var text = token.AsSpan();
        var headerEnd = text.IndexOf('.');
        if (headerEnd <= 0)
        {
            return false;
        }

        var payloadLength = text[(headerEnd + 1)..].IndexOf('.');
        if (payloadLength <= 0)
        {
            return false;
        }

        var payloadEnd = headerEnd + 1 + payloadLength;
        var encodedPayload = text[(headerEnd + 1)..payloadEnd];
        var encodedSignature = text[(payloadEnd + 1)..];

        // The header must be, byte for byte, the header of a key of this purpose: alg, kid and typ
        // are pinned together, and any other header (none, jku, crit, ...) matches nothing.
        var key = Ring.FindByHeader(purpose, text[..headerEnd]);
        if (key is null || !Ring.Verifies(key, now)
            || encodedSignature.Length != Base64Url.GetEncodedLength(key.SignatureLength)
            || encodedPayload.ContainsAnyExcept(Base64UrlAlphabet)
            || encodedSignature.ContainsAnyExcept(Base64UrlAlphabet))
        {
            return false;
        }

        Span<byte> signature = stackalloc byte[MaxSignatureLength];
        if (Base64Url.DecodeFromChars(encodedSignature, signature, out _, out var signatureLength) != OperationStatus.Done
            || signatureLength != key.SignatureLength)
        {
            return false;
        }

        var signingInput = scratch.AsSpan(0, payloadEnd);
        if (Ascii.FromUtf16(text[..payloadEnd], signingInput, out _) != OperationStatus.Done
            || !key.Verify(signingInput, signature[..signatureLength]))
        {
            return false;
        }

        var decoded = scratch.AsSpan(payloadEnd);
        if (Base64Url.DecodeFromChars(encodedPayload, decoded, out _, out var written) != OperationStatus.Done)
        {
            return false;
        }

        payload = decoded[..written];
        return true;
    }

    private ErrorCode? ReadClaims(ReadOnlySpan<byte> json, KeyPurpose purpose, DateTimeOffset now, out ParsedClaims claims)
    {
        claims = default;
        var audience = purpose == KeyPurpose.Access ? _accessAudience : _refreshAudience;
        var seen = Claim.None;
        long notBefore = 0;
        try
        {
            var reader = new Utf8JsonReader(json, StrictReader);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return ErrorCode.InvalidToken;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var claim = Identify(ref reader);
                if (claim != Claim.Other && (seen & claim) != 0)
                {
                    return ErrorCode.InvalidToken; // a duplicate claim name: which one would a verifier trust?
                }

                seen |= claim;
                reader.Read();
                var valid = claim switch
                {
                    Claim.Iss => reader.TokenType == JsonTokenType.String && reader.ValueTextEquals(_issuer),
                    Claim.Aud => reader.TokenType == JsonTokenType.String && reader.ValueTextEquals(audience),
                    Claim.Sub => TryReadId(ref reader, out claims.Subject),
                    Claim.Sid => TryReadId(ref reader, out claims.SessionId),
                    Claim.Jti => TryReadId(ref reader, out claims.Jti),
                    Claim.Iat => TryReadTime(ref reader, out claims.IssuedAtSeconds),
                    Claim.Exp => TryReadTime(ref reader, out claims.ExpiresAtSeconds),
                    Claim.Nbf => TryReadTime(ref reader, out notBefore),
                    Claim.Roles => purpose == KeyPurpose.Access && TryReadRoles(ref reader, out claims.Roles),
                    Claim.Username => purpose == KeyPurpose.Access && TryReadId(ref reader, out claims.Username),
                    _ => reader.TrySkip(),
                };
                if (!valid)
                {
                    return ErrorCode.InvalidToken;
                }
            }

            if (reader.TokenType != JsonTokenType.EndObject || reader.Read())
            {
                return ErrorCode.InvalidToken;
            }
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            return ErrorCode.InvalidToken; // malformed JSON or invalid UTF-8 inside a signed payload
        }

        if ((seen & Claim.Required) != Claim.Required)
        {
            return ErrorCode.InvalidToken;
        }

        return CheckLifetime(ref claims, purpose, notBefore, now);
    }

    private ErrorCode? CheckLifetime(ref ParsedClaims claims, KeyPurpose purpose, long notBefore, DateTimeOffset now)
    {
        var skew = _options.ClockSkew;
        claims.IssuedAt = DateTimeOffset.FromUnixTimeSeconds(claims.IssuedAtSeconds);
        claims.ExpiresAt = DateTimeOffset.FromUnixTimeSeconds(claims.ExpiresAtSeconds);
        if (claims.ExpiresAt < claims.IssuedAt
            || claims.IssuedAt > now + skew
            || DateTimeOffset.FromUnixTimeSeconds(notBefore) > now + skew
            || (purpose == KeyPurpose.Access && claims.ExpiresAt > now + _options.AccessTokenLifetime + skew))
        {
            return ErrorCode.InvalidToken; // a lifetime Baton never mints
        }

        if (claims.Roles.IsDefault)
        {
            claims.Roles = [];
        }

        return now >= claims.ExpiresAt + skew ? ErrorCode.TokenExpired : null;
    }

    private static Claim Identify(ref Utf8JsonReader reader) =>
        reader.ValueTextEquals("iss"u8) ? Claim.Iss
        : reader.ValueTextEquals("aud"u8) ? Claim.Aud
        : reader.ValueTextEquals("sub"u8) ? Claim.Sub
        : reader.ValueTextEquals("sid"u8) ? Claim.Sid
        : reader.ValueTextEquals("jti"u8) ? Claim.Jti
        : reader.ValueTextEquals("iat"u8) ? Claim.Iat
        : reader.ValueTextEquals("exp"u8) ? Claim.Exp
        : reader.ValueTextEquals("nbf"u8) ? Claim.Nbf
        : reader.ValueTextEquals("roles"u8) ? Claim.Roles
        : reader.ValueTextEquals("preferred_username"u8) ? Claim.Username
        : Claim.Other;

    private static bool TryReadId(ref Utf8JsonReader reader, out string? value)
    {
        value = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
        return value is { Length: > 0 and <= MaxClaimLength };
    }

    private static bool TryReadTime(ref Utf8JsonReader reader, out long seconds)
    {
        seconds = 0;
        return reader.TokenType == JsonTokenType.Number && reader.TryGetInt64(out seconds) && seconds is >= 0 and <= LatestUnixSeconds;
    }

    private static bool TryReadRoles(ref Utf8JsonReader reader, out ImmutableArray<string> roles)
    {
        roles = default;
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            return false;
        }

        var builder = ImmutableArray.CreateBuilder<string>();
        while (reader.Read() && reader.TokenType == JsonTokenType.String)
        {
            if (builder.Count == MaxRoles || reader.GetString() is not { Length: > 0 and <= MaxClaimLength } role)
            {
                return false;
            }

            builder.Add(role);
        }

        roles = builder.ToImmutable();
        return reader.TokenType == JsonTokenType.EndArray;
    }

    private struct ParsedClaims
    {
        public string? Subject;
        public string? SessionId;
        public string? Jti;
        public long IssuedAtSeconds;
        public long ExpiresAtSeconds;
        public DateTimeOffset IssuedAt;
        public DateTimeOffset ExpiresAt;
        public ImmutableArray<string> Roles;
        public string? Username;
    }
}
