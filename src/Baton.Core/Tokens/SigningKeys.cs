using Baton.Core.Storage;

namespace Baton.Core.Tokens;

/// <summary>
/// The node's view of the shared key ring: loads it from the store, creates the first keys on
/// first start (every node that races to do so converges on the same ring, because the signer
/// is chosen deterministically from what the store holds), and swaps in a new
/// <see cref="TokenService"/> snapshot whenever the ring is reloaded.
/// </summary>
public sealed class SigningKeys(ISigningKeyStore store, TokenOptions options, TimeProvider time)
{
    private volatile TokenService? _tokens;

    /// <summary>The current token service.</summary>
    /// <exception cref="InvalidOperationException"><see cref="InitializeAsync"/> has not completed.</exception>
    public TokenService Tokens => _tokens ?? throw new InvalidOperationException("The key ring has not been loaded; call InitializeAsync at start-up.");

    /// <summary>Loads the ring, generating and storing an access and a refresh key when none is active.</summary>
    public async Task InitializeAsync(CancellationToken cancellationToken)
    {
        var ring = await ReloadAsync(cancellationToken).ConfigureAwait(false);
        var now = time.GetUtcNow();
        var added = false;
        if (ring.SignerFor(KeyPurpose.Access, now) is null)
        {
            added |= await AddFirstKeyAsync(options.AccessAlgorithm, KeyPurpose.Access, now, cancellationToken).ConfigureAwait(false);
        }

        if (ring.SignerFor(KeyPurpose.Refresh, now) is null)
        {
            added |= await AddFirstKeyAsync(SigningAlgorithm.HS256, KeyPurpose.Refresh, now, cancellationToken).ConfigureAwait(false);
        }

        if (added)
        {
            await ReloadAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Reads the ring from the store and makes it current.</summary>
    public async Task<KeyRing> ReloadAsync(CancellationToken cancellationToken)
    {
        var stored = await store.LoadKeysAsync(cancellationToken).ConfigureAwait(false);
        var ring = new KeyRing(stored.Select(SigningKey.FromMaterial), options);
        _tokens = new TokenService(ring);
        return ring;
    }

    /// <summary>
    /// Nodes starting together on an empty store all try to add the first key under the same
    /// kid, so exactly one insert wins and every node loads that key; with random kids each
    /// node could sign with its own key before seeing the others'. Only when that kid is taken
    /// by a retired key does a random kid follow, which the periodic reload spreads.
    /// </summary>
    private async Task<bool> AddFirstKeyAsync(SigningAlgorithm algorithm, KeyPurpose purpose, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var firstKid = $"{algorithm}-{purpose}-1".ToLowerInvariant();
        // Active from a clock skew ago, so a node whose clock is a little behind can sign with it too.
        using var first = SigningKey.Generate(algorithm, purpose, now, now - options.ClockSkew, firstKid);
        if (await store.TryAddKeyAsync(first.ToMaterial(), cancellationToken).ConfigureAwait(false))
        {
            return true;
        }

        var ring = await ReloadAsync(cancellationToken).ConfigureAwait(false);
        if (ring.SignerFor(purpose, now) is not null)
        {
            return true; // another node's first key won
        }

        using var fresh = SigningKey.Generate(algorithm, purpose, now, now);
        return await store.TryAddKeyAsync(fresh.ToMaterial(), cancellationToken).ConfigureAwait(false);
    }
}
