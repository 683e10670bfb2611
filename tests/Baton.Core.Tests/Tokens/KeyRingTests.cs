using System.Collections.Concurrent;
using System.Security.Cryptography;
using Baton.Core.Storage;
using Baton.Core.Tokens;
using Baton.Testing;
using Microsoft.Extensions.Time.Testing;

namespace Baton.Core.Tests.Tokens;

public sealed class KeyRingTests
{
    private static readonly DateTimeOffset Now = TokenFixture.Now;
    private static readonly TokenOptions Options = new();

    [Fact]
    public void RetiredKey_VerifiesUntilItsTokensExpire_ThenIsRefused_AndNoLongerSigns()
    {
        using var oldKey = SigningKey.Generate(SigningAlgorithm.ES256, KeyPurpose.Access, Now.AddDays(-2), Now.AddDays(-2));
        using var newKey = SigningKey.Generate(SigningAlgorithm.ES256, KeyPurpose.Access, Now.AddDays(-1), Now);
        var token = new TokenService(new KeyRing([oldKey], Options)).IssueAccessToken(new AccessTokenRequest("u", "s", []), Now.AddMinutes(-1)).Token;
        using var retired = SigningKey.FromMaterial(oldKey.ToMaterial() with { RetiresAt = Now });
        var ring = new KeyRing([retired, newKey], Options);
        var tokens = new TokenService(ring);

        Assert.Equal(newKey.Kid, ring.SignerFor(KeyPurpose.Access, Now)!.Kid);
        Assert.True(tokens.ValidateAccessToken(token, Now.AddMinutes(1)).Succeeded);
        var window = Options.AccessTokenLifetime + Options.ClockSkew;
        Assert.False(ring.Verifies(retired, Now + window));
        Assert.Equal(ErrorCode.InvalidToken, new TokenService(ring).ValidateAccessToken(token, Now + window).Error);
        Assert.False(tokens.ValidateAccessToken(token, Now + window).Succeeded); // the service that verified it before: expired by then
        Assert.DoesNotContain(ring.PublishedKeys(Now + window), k => k.Kid == retired.Kid);
        Assert.Contains(ring.PublishedKeys(Now), k => k.Kid == retired.Kid);
    }

    [Fact]
    public void PendingKey_IsPublished_ButDoesNotSignUntilItActivates()
    {
        using var current = SigningKey.Generate(SigningAlgorithm.ES256, KeyPurpose.Access, Now.AddDays(-1), Now.AddDays(-1));
        using var next = SigningKey.Generate(SigningAlgorithm.ES256, KeyPurpose.Access, Now, Now.AddHours(1));
        var ring = new KeyRing([current, next], Options);

        Assert.Equal(current.Kid, ring.SignerFor(KeyPurpose.Access, Now)!.Kid);
        Assert.Contains(ring.PublishedKeys(Now), k => k.Kid == next.Kid);
        Assert.Equal(next.Kid, ring.SignerFor(KeyPurpose.Access, Now.AddHours(1))!.Kid);
    }

    [Fact]
    public void SymmetricKeys_AreNeverPublished()
    {
        using var hs = SigningKey.Generate(SigningAlgorithm.HS256, KeyPurpose.Access, Now, Now);
        using var refresh = SigningKey.Generate(SigningAlgorithm.HS256, KeyPurpose.Refresh, Now, Now);
        var ring = new KeyRing([hs, refresh], new TokenOptions { AccessAlgorithm = SigningAlgorithm.HS256 });

        Assert.Empty(ring.PublishedKeys(Now));
        Assert.Null(hs.ToPublicJwk());
    }

    [Fact]
    public void SignerFor_IgnoresKeysOfAnotherAlgorithm()
    {
        using var rs = SigningKey.Generate(SigningAlgorithm.RS256, KeyPurpose.Access, Now, Now);
        var ring = new KeyRing([rs], new TokenOptions { AccessAlgorithm = SigningAlgorithm.ES256 });

        Assert.Null(ring.SignerFor(KeyPurpose.Access, Now));
    }

    [Theory]
    [InlineData(SigningAlgorithm.ES256)]
    [InlineData(SigningAlgorithm.RS256)]
    [InlineData(SigningAlgorithm.HS256)]
    public void Material_RoundTrip_KeepsValidatingOldTokens(SigningAlgorithm algorithm)
    {
        using var key = SigningKey.Generate(algorithm, KeyPurpose.Access, Now, Now);
        var options = new TokenOptions { AccessAlgorithm = algorithm };
        var token = new TokenService(new KeyRing([key], options)).IssueAccessToken(new AccessTokenRequest("u", "s", []), Now).Token;

        using var reloaded = SigningKey.FromMaterial(key.ToMaterial());

        Assert.True(new TokenService(new KeyRing([reloaded], options)).ValidateAccessToken(token, Now).Succeeded);
        Assert.Equal(key.Kid, reloaded.Kid);
    }

    [Fact]
    public void Generate_RefreshKeyThatIsNotHs256_Throws()
    {
        Assert.Throws<ArgumentException>(() => SigningKey.Generate(SigningAlgorithm.ES256, KeyPurpose.Refresh, Now, Now));
    }

    [Fact]
    public void FromMaterial_ShortSecretOrWrongCurve_Throws()
    {
        Assert.Throws<CryptographicException>(() => SigningKey.FromMaterial(new SigningKeyMaterial("k", SigningAlgorithm.HS256, KeyPurpose.Refresh, Now, Now, null, new byte[16])));
        using var p384 = ECDsa.Create(ECCurve.NamedCurves.nistP384);
        Assert.Throws<CryptographicException>(() => SigningKey.FromMaterial(new SigningKeyMaterial("k", SigningAlgorithm.ES256, KeyPurpose.Access, Now, Now, null, p384.ExportPkcs8PrivateKey())));
    }

    [Fact]
    public async Task SigningKeys_FirstStartCreatesKeys_RestartReusesThem()
    {
        var store = new InMemoryKeyStore();
        var clock = new FakeTimeProvider(Now);
        var first = new SigningKeys(store, Options, clock);
        await first.InitializeAsync(CancellationToken.None);
        var token = first.Tokens.IssueAccessToken(new AccessTokenRequest("u", "s", []), Now).Token;

        var restarted = new SigningKeys(store, Options, clock);
        await restarted.InitializeAsync(CancellationToken.None);

        Assert.Equal(2, store.Keys.Count);
        Assert.Single(store.Keys.Values, k => k.Purpose == KeyPurpose.Refresh && k.Algorithm == SigningAlgorithm.HS256);
        Assert.Single(store.Keys.Values, k => k.Purpose == KeyPurpose.Access && k.Algorithm == SigningAlgorithm.ES256);
        Assert.True(restarted.Tokens.ValidateAccessToken(token, Now).Succeeded);
    }

    [Fact]
    public async Task SigningKeys_NodesStartingTogether_ConvergeOnOneSigner()
    {
        var store = new InMemoryKeyStore();
        var clock = new FakeTimeProvider(Now);
        var nodes = Enumerable.Range(0, 5).Select(_ => new SigningKeys(store, Options, clock)).ToArray();

        await Task.WhenAll(nodes.Select(n => Task.Run(() => n.InitializeAsync(CancellationToken.None))));
        foreach (var node in nodes)
        {
            await node.ReloadAsync(CancellationToken.None);
        }

        Assert.Single(nodes.Select(n => n.Tokens.Ring.SignerFor(KeyPurpose.Access, Now)!.Kid).Distinct());
        Assert.Single(nodes.Select(n => n.Tokens.Ring.SignerFor(KeyPurpose.Refresh, Now)!.Kid).Distinct());
        var token = nodes[0].Tokens.IssueRefreshToken(new RefreshTokenRequest("u", "s", "j", Now.AddDays(1)), Now);
        Assert.All(nodes, n => Assert.True(n.Tokens.ValidateRefreshToken(token, Now).Succeeded));
    }

    [Fact]
    public void Tokens_BeforeInitialize_Throws()
    {
        Assert.Throws<InvalidOperationException>(() => new SigningKeys(new InMemoryKeyStore(), Options, TimeProvider.System).Tokens);
    }

    internal sealed class InMemoryKeyStore : ISigningKeyStore
    {
        public ConcurrentDictionary<string, SigningKeyMaterial> Keys { get; } = new(StringComparer.Ordinal);

        public Task<IReadOnlyList<SigningKeyMaterial>> LoadKeysAsync(CancellationToken cancellationToken) =>
            Task.FromResult<IReadOnlyList<SigningKeyMaterial>>([.. Keys.Values]);

        public Task<bool> TryAddKeyAsync(SigningKeyMaterial key, CancellationToken cancellationToken) => Task.FromResult(Keys.TryAdd(key.Kid, key));

        public Task<bool> RetireKeyAsync(string kid, DateTimeOffset retiresAt, CancellationToken cancellationToken) =>
            Task.FromResult(Keys.TryGetValue(kid, out var key) && Keys.TryUpdate(kid, key with { RetiresAt = key.RetiresAt ?? retiresAt }, key));

        public Task<int> DeleteRetiredKeysAsync(DateTimeOffset before, CancellationToken cancellationToken) =>
            Task.FromResult(Keys.Values.Where(k => k.RetiresAt < before).Count(k => Keys.TryRemove(k.Kid, out _)));
    }
}
