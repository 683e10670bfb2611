using System.Diagnostics.CodeAnalysis;

namespace Baton.Core.Tokens;

/// <summary>The outcome of validating a token: its claims, or the stable error code of why it was refused.</summary>
/// <typeparam name="TClaims">The claims of the kind of token validated.</typeparam>
public readonly struct TokenValidationResult<TClaims> : IEquatable<TokenValidationResult<TClaims>>
    where TClaims : class
{
    /// <summary>A valid token's claims.</summary>
    public TokenValidationResult(TClaims claims)
    {
        Claims = claims;
        Error = null;
    }

    /// <summary>A refused token: <see cref="ErrorCode.InvalidToken"/> or <see cref="ErrorCode.TokenExpired"/>.</summary>
    public TokenValidationResult(ErrorCode error)
    {
        Claims = null;
        Error = error;
    }

    /// <summary>The claims when the token is valid.</summary>
    public TClaims? Claims { get; }

    /// <summary>Why the token was refused.</summary>
    public ErrorCode? Error { get; }

    /// <summary>True when the token is valid and <see cref="Claims"/> is set.</summary>
    [MemberNotNullWhen(true, nameof(Claims))]
    public bool Succeeded => Claims is not null;

    /// <inheritdoc />
    public bool Equals(TokenValidationResult<TClaims> other) => Equals(Claims, other.Claims) && Error == other.Error;

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is TokenValidationResult<TClaims> other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Claims, Error);

    /// <summary>Compares two results.</summary>
    public static bool operator ==(TokenValidationResult<TClaims> left, TokenValidationResult<TClaims> right) => left.Equals(right);

    /// <summary>Compares two results.</summary>
    public static bool operator !=(TokenValidationResult<TClaims> left, TokenValidationResult<TClaims> right) => !left.Equals(right);
}
