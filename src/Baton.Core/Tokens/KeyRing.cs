namespace Baton.Core.Tokens;

/// <summary>
/// An immutable snapshot of the signing keys: which key signs each kind of token now, which
/// keys still verify, and which public keys are published. A key is found by its exact JWS
/// header segment (which embeds kid, alg and typ), so there is never a fallback that tries
/// every key, and an access key can never verify a refresh token or the reverse.
/// </summary>
public sealed class KeyRing
{
    private readonly Dictionary<string, SigningKey>.AlternateLookup<ReadOnlySpan<char>> _accessByHeader;
    private readonly Dictionary<string, SigningKey>.AlternateLookup<ReadOnlySpan<char>> _refreshByHeader;
    private readonly Dictionary<string, DateTimeOffset> _verifiesUntil;

    /// <summary>Builds the ring from <paramref name="keys"/> (which it does not dispose).</summary>
    public KeyRing(IEnumerable<SigningKey> keys, TokenOptions options)
    {
        ArgumentNullException.ThrowIfNull(keys);
        ArgumentNullException.ThrowIfNull(options);
        Options = options;
        Keys = [.. keys.OrderBy(k => k.ActivatesAt).ThenBy(k => k.Kid, StringComparer.Ordinal)];
        var access = new Dictionary<string, SigningKey>(StringComparer.Ordinal);
        var refresh = new Dictionary<string, SigningKey>(StringComparer.Ordinal);
        _verifiesUntil = new Dictionary<string, DateTimeOffset>(StringComparer.Ordinal);
        foreach (var key in Keys)
        {
            (key.Purpose == KeyPurpose.Access ? access : refresh)[key.EncodedHeader] = key;
            _verifiesUntil[key.Kid] = key.RetiresAt is { } retired ? retired + options.VerifyWindow(key.Purpose) : DateTimeOffset.MaxValue;
        }

        _accessByHeader = access.GetAlternateLookup<ReadOnlySpan<char>>();
        _refreshByHeader = refresh.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    /// <summary>The options the ring was built with.</summary>
    public TokenOptions Options { get; }

    /// <summary>Every key, oldest activation first.</summary>
    public IReadOnlyList<SigningKey> Keys { get; }

    /// <summary>
    /// The key that signs <paramref name="purpose"/> tokens at <paramref name="now"/>: of the
    /// activated, unretired keys (of the configured algorithm, for access tokens), the latest to
    /// activate. Every node computes the same answer from the same ring.
    /// </summary>
    public SigningKey? SignerFor(KeyPurpose purpose, DateTimeOffset now)
    {
        SigningKey? signer = null;
        foreach (var key in Keys)
        {
            if (key.Purpose == purpose && key.SignsAt(now) && (purpose == KeyPurpose.Refresh || key.Algorithm == Options.AccessAlgorithm))
            {
                signer = key;
            }
        }

        return signer;
    }

    /// <summary>Whether <paramref name="key"/> still verifies tokens at <paramref name="now"/>.</summary>
    public bool Verifies(SigningKey key, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(key);
        return _verifiesUntil.TryGetValue(key.Kid, out var until) && now < until;
    }

    /// <summary>
    /// The public keys resource servers need at <paramref name="now"/>: every asymmetric access
    /// key that signs now, will sign (published ahead of activation), or signed tokens that may
    /// not have expired yet.
    /// </summary>
    public IReadOnlyList<PublicJsonWebKey> PublishedKeys(DateTimeOffset now) =>
        [.. Keys.Where(k => k.Purpose == KeyPurpose.Access && k.IsAsymmetric && Verifies(k, now)).Select(k => k.ToPublicJwk()!)];

    /// <summary>Finds the key whose header segment is exactly <paramref name="encodedHeader"/>.</summary>
    internal SigningKey? FindByHeader(KeyPurpose purpose, ReadOnlySpan<char> encodedHeader) =>
        (purpose == KeyPurpose.Access ? _accessByHeader : _refreshByHeader).TryGetValue(encodedHeader, out var key) ? key : null;
}
