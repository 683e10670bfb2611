using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using Baton.Core.Storage;

namespace Baton.Core.Tokens;

/// <summary>
/// The node's view of the shared key ring: loads it from the store, creates the first keys on
/// first start (every node that races to do so converges on the same ring, because the signer
/// is chosen deterministically from what the store holds), and swaps in a new
/// <see cref="TokenService"/> snapshot whenever the ring is reloaded.
/// </summary>
/// <remarks>
/// Rotation (<see cref="MaintainAsync"/>, run by every node on a schedule): when the signing key is
/// older than <see cref="TokenOptions.KeyRotationInterval"/>, a successor is stored that activates
/// <see cref="TokenOptions.KeyActivationDelay"/> later (so it is in the JWKS first); once it signs,
/// its predecessor is retired and keeps verifying until every token it signed has expired; then it
/// is deleted. The successor's kid is derived from its predecessor's, so nodes doing this at the
/// same moment add one key, not several.
/// </remarks>
public sealed class SigningKeys(ISigningKeyStore store, TokenOptions options, TimeProvider time, KeyProtector? protector = null)
{
    private static readonly KeyPurpose[] Purposes = [KeyPurpose.Access, KeyPurpose.Refresh];
    private readonly KeyProtector _protector = protector ?? KeyProtector.None;

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
        if (_tokens is { } current && SameKeys(current.Ring, stored))
        {
            return current.Ring; // unchanged: keep the service, and with it the tokens it has already verified
        }

        var ring = new KeyRing(stored.Select(m => SigningKey.FromMaterial(_protector.Unprotect(m))), options);
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
        if (await store.TryAddKeyAsync(_protector.Protect(first.ToMaterial()), cancellationToken).ConfigureAwait(false))
        {
            return true;
        }

        var ring = await ReloadAsync(cancellationToken).ConfigureAwait(false);
        if (ring.SignerFor(purpose, now) is not null)
        {
            return true; // another node's first key won
        }

        using var fresh = SigningKey.Generate(algorithm, purpose, now, now);
        return await store.TryAddKeyAsync(_protector.Protect(fresh.ToMaterial()), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Scheduled upkeep: adds successors that are due, retires replaced keys, deletes keys no token can need any more.</summary>
    /// <returns>True when the ring changed (and was reloaded).</returns>
    public async Task<bool> MaintainAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var ring = Tokens.Ring;
        var changed = false;
        foreach (var purpose in Purposes)
        {
            if (ring.SignerFor(purpose, now) is not { } signer)
            {
                continue;
            }

            foreach (var replaced in ring.Keys.Where(k => k.Purpose == purpose && k != signer && k.RetiresAt is null && k.ActivatesAt <= signer.ActivatesAt))
            {
                changed |= await store.RetireKeyAsync(replaced.Kid, signer.ActivatesAt, cancellationToken).ConfigureAwait(false);
            }

            if (options.KeyRotationInterval > TimeSpan.Zero && now - signer.ActivatesAt >= options.KeyRotationInterval && PendingKey(ring, purpose, now) is null)
            {
                changed |= await AddSuccessorAsync(signer, now + options.KeyActivationDelay, cancellationToken).ConfigureAwait(false);
            }
        }

        // A retired key is needed until the longest-lived token it can have signed has expired.
        var longest = TimeSpan.FromTicks(Math.Max(options.VerifyWindow(KeyPurpose.Access).Ticks, options.VerifyWindow(KeyPurpose.Refresh).Ticks));
        changed |= await store.DeleteRetiredKeysAsync(now - longest, cancellationToken).ConfigureAwait(false) > 0;
        if (changed)
        {
            await ReloadAsync(cancellationToken).ConfigureAwait(false);
        }

        return changed;
    }

    /// <summary>
    /// Rotates now (the admin API): adds a successor for each kind of key that activates after
    /// <paramref name="activationDelay"/>, unless one is already pending. Returns the pending keys.
    /// </summary>
    public async Task<IReadOnlyList<SigningKey>> RotateAsync(TimeSpan activationDelay, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var ring = Tokens.Ring;
        foreach (var purpose in Purposes)
        {
            if (PendingKey(ring, purpose, now) is null && ring.SignerFor(purpose, now) is { } signer)
            {
                await AddSuccessorAsync(signer, now + activationDelay, cancellationToken).ConfigureAwait(false);
            }
        }

        ring = await ReloadAsync(cancellationToken).ConfigureAwait(false);
        return [.. new[] { PendingKey(ring, KeyPurpose.Access, now), PendingKey(ring, KeyPurpose.Refresh, now) }.OfType<SigningKey>()];
    }

    private static bool SameKeys(KeyRing ring, IReadOnlyList<SigningKeyMaterial> stored) =>
        ring.Keys.Count == stored.Count
        && stored.All(m => ring.Keys.Any(k => k.Kid == m.Kid && k.ActivatesAt == m.ActivatesAt && k.RetiresAt == m.RetiresAt));

    private SigningKey? PendingKey(KeyRing ring, KeyPurpose purpose, DateTimeOffset now) =>
        ring.Keys.LastOrDefault(k => k.Purpose == purpose && k.ActivatesAt > now && k.RetiresAt is null
            && (purpose == KeyPurpose.Refresh || k.Algorithm == options.AccessAlgorithm));

    private async Task<bool> AddSuccessorAsync(SigningKey predecessor, DateTimeOffset activatesAt, CancellationToken cancellationToken)
    {
        var kid = Base64Url.EncodeToString(SHA256.HashData(Encoding.UTF8.GetBytes(predecessor.Kid + ":successor")))[..22];
        var algorithm = predecessor.Purpose == KeyPurpose.Access ? options.AccessAlgorithm : SigningAlgorithm.HS256;
        using var successor = SigningKey.Generate(algorithm, predecessor.Purpose, time.GetUtcNow(), activatesAt, kid);
        return await store.TryAddKeyAsync(_protector.Protect(successor.ToMaterial()), cancellationToken).ConfigureAwait(false);
    }
}
