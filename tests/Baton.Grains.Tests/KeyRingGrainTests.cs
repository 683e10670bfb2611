using Baton.Core.Storage;
using Baton.Core.Tokens;

namespace Baton.Grains.Tests;

/// <summary>The key ring grain as the one writer of the ring: fronts that start or rotate together converge.</summary>
[Collection(GrainClusterTests.Name)]
public sealed class KeyRingGrainTests(GrainClusterFixture fixture) : GrainTestBase(fixture)
{
    private static readonly TokenOptions Options = new() { KeyRotationInterval = TimeSpan.FromDays(1), KeyActivationDelay = TimeSpan.FromMinutes(5) };

    [Fact]
    public async Task Initialize_FiveFrontsAtOnceOnAnEmptyRing_AllSignWithTheSameTwoKeys()
    {
        var ring = NewId();
        var fronts = Enumerable.Range(0, 5).Select(i => Front(ring, i)).ToArray();

        await Task.WhenAll(fronts.Select(f => f.InitializeAsync(CancellationToken.None)));

        var stored = await Ring(ring).GetKeysAsync();
        Assert.Equal(2, stored.Length);
        var now = GrainClusterFixture.Clock.GetUtcNow();
        Assert.All(fronts, f => Assert.Equal(
            stored.Select(k => k.Kid).Order(StringComparer.Ordinal),
            new[] { f.Tokens.Ring.SignerFor(KeyPurpose.Access, now)!.Kid, f.Tokens.Ring.SignerFor(KeyPurpose.Refresh, now)!.Kid }.Order(StringComparer.Ordinal)));
    }

    [Fact]
    public async Task Rotate_TwoFrontsAtOnce_OnePendingSuccessorPerPurpose_PublishedBeforeItSigns()
    {
        var ring = NewId();
        var (one, two) = (Front(ring, 0), Front(ring, 1));
        await one.InitializeAsync(CancellationToken.None);
        await two.InitializeAsync(CancellationToken.None);
        var now = GrainClusterFixture.Clock.GetUtcNow();
        var signer = one.Tokens.Ring.SignerFor(KeyPurpose.Access, now)!.Kid;

        var pending = await Task.WhenAll(one.RotateAsync(Options.KeyActivationDelay, CancellationToken.None), two.RotateAsync(Options.KeyActivationDelay, CancellationToken.None));

        Assert.Equal(4, (await Ring(ring).GetKeysAsync()).Length);
        Assert.Equal(pending[0].Select(k => k.Kid), pending[1].Select(k => k.Kid));
        var successor = Assert.Single(pending[0], k => k.Purpose == KeyPurpose.Access);
        Assert.Equal(now + Options.KeyActivationDelay, successor.ActivatesAt);
        Assert.Equal(signer, one.Tokens.Ring.SignerFor(KeyPurpose.Access, now)!.Kid);
        Assert.Contains(one.Tokens.Ring.PublishedKeys(now), k => k.Kid == successor.Kid);
    }

    [Fact]
    public async Task RetireAndDelete_KeepTheFirstRetirement_DeleteOnlyWhatEndedBefore()
    {
        var ring = Ring(NewId());
        var now = GrainClusterFixture.Clock.GetUtcNow();
        Assert.True(await ring.TryAddKeyAsync(new KeyDetails("kid-1", SigningAlgorithm.HS256, KeyPurpose.Refresh, now, now, null, [1])));
        Assert.False(await ring.TryAddKeyAsync(new KeyDetails("kid-1", SigningAlgorithm.HS256, KeyPurpose.Refresh, now, now, null, [2])));

        Assert.True(await ring.RetireKeyAsync("kid-1", now.AddHours(1)));
        Assert.True(await ring.RetireKeyAsync("kid-1", now.AddHours(5)));
        Assert.False(await ring.RetireKeyAsync("kid-unknown", now));
        Assert.Equal(now.AddHours(1), Assert.Single(await ring.GetKeysAsync()).RetiresAt);

        Assert.Equal(0, await ring.DeleteRetiredKeysAsync(now.AddHours(1)));
        Assert.Equal(1, await ring.DeleteRetiredKeysAsync(now.AddHours(2)));
        Assert.Empty(await ring.GetKeysAsync());
    }

    private IKeyRingGrain Ring(string key, int caller = 0) => Callers[caller % Callers.Count].GetGrain<IKeyRingGrain>(key);

    /// <summary>An API front's view of the ring (<see cref="SigningKeys"/>), calling the grain through one of the callers.</summary>
    private SigningKeys Front(string ring, int caller) => new(new GrainStore(Ring(ring, caller)), Options, GrainClusterFixture.Clock);

    private sealed class GrainStore(IKeyRingGrain ring) : ISigningKeyStore
    {
        public async Task<IReadOnlyList<SigningKeyMaterial>> LoadKeysAsync(CancellationToken cancellationToken) =>
            [.. (await ring.GetKeysAsync()).Select(k => k.ToMaterial())];

        public Task<bool> TryAddKeyAsync(SigningKeyMaterial key, CancellationToken cancellationToken) => ring.TryAddKeyAsync(KeyDetails.From(key));

        public Task<bool> RetireKeyAsync(string kid, DateTimeOffset retiresAt, CancellationToken cancellationToken) => ring.RetireKeyAsync(kid, retiresAt);

        public Task<int> DeleteRetiredKeysAsync(DateTimeOffset before, CancellationToken cancellationToken) => ring.DeleteRetiredKeysAsync(before);
    }
}
