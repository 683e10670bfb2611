namespace Baton.Core.Tokens;

/// <summary>The JWS algorithms Baton signs with (RFC 7518 names). Each key is pinned to one.</summary>
public enum SigningAlgorithm
{
    /// <summary>ECDSA P-256 with SHA-256: the default for access tokens (public verification, small signatures).</summary>
    ES256,

    /// <summary>RSASSA-PKCS1-v1_5 with SHA-256 (2048-bit keys): for verifiers that cannot do ECDSA.</summary>
    RS256,

    /// <summary>HMAC with SHA-256: refresh tokens always; access tokens only when every verifier may also mint.</summary>
    HS256,
}

/// <summary>What a key signs. Access and refresh keys never overlap, so one kind of token can never verify as the other.</summary>
public enum KeyPurpose
{
    /// <summary>Access tokens (RFC 9068), verified by resource servers through the JWKS.</summary>
    Access,

    /// <summary>Refresh tokens, read only by Baton; always a symmetric key that is never published.</summary>
    Refresh,
}
