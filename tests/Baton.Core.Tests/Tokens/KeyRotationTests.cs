using System.Security.Cryptography;
using Baton.Core.Tokens;
using Baton.Testing;
using Microsoft.Extensions.Time.Testing;
using static Baton.Core.Tests.Tokens.KeyRingTests;

namespace Baton.Core.Tests.Tokens;

public sealed class KeyRotationTests
{
    private static readonly DateTimeOffset Start = TokenFixture.Now;
    private static readonly TokenOptions Options = new() { KeyRotationInterval = TimeSpan.FromDays(30), KeyActivationDelay = TimeSpan.FromHours(1) };

    [Fact]
    public async Task Maintain_BeforeTheInterval_ChangesNothing()
    {
        var (keys, store, clock) = await StartAsync();
        clock.Advance(TimeSpan.FromDays(29));

        Assert.False(await keys.MaintainAsync(CancellationToken.None));
        Assert.Equal(2, store.Keys.Count);
    }

    [Fact]
    public async Task Rotation_PublishesFirst_SignsAfterTheDelay_OldTokensVerifyUntilExpired_ThenTheKeyIsGone()
    {
        var (keys, store, clock) = await StartAsync();
        var first = keys.Tokens.Ring.SignerFor(KeyPurpose.Access, clock.GetUtcNow())!;
        clock.Advance(TimeSpan.FromDays(30));

        Assert.True(await keys.MaintainAsync(CancellationToken.None));
        var pending = Assert.Single(keys.Tokens.Ring.Keys, k => k.Purpose == KeyPurpose.Access && k.Kid != first.Kid);
        Assert.Equal(clock.GetUtcNow() + Options.KeyActivationDelay, pending.ActivatesAt);
        Assert.Contains(keys.Tokens.Ring.PublishedKeys(clock.GetUtcNow()), k => k.Kid == pending.Kid);
        Assert.Equal(first.Kid, keys.Tokens.Ring.SignerFor(KeyPurpose.Access, clock.GetUtcNow())!.Kid);
        clock.Advance(Options.KeyActivationDelay - TimeSpan.FromMinutes(1));
        var oldToken = keys.Tokens.IssueAccessToken(new AccessTokenRequest("u", "s", []), clock.GetUtcNow()).Token;

        clock.Advance(TimeSpan.FromMinutes(1));
        await keys.MaintainAsync(CancellationToken.None);

        Assert.Equal(pending.Kid, keys.Tokens.Ring.SignerFor(KeyPurpose.Access, clock.GetUtcNow())!.Kid);
        Assert.Equal(pending.ActivatesAt, store.Keys[first.Kid].RetiresAt);
        Assert.True(keys.Tokens.ValidateAccessToken(oldToken, clock.GetUtcNow()).Succeeded); // SECURITY.md 37
        var newToken = keys.Tokens.IssueAccessToken(new AccessTokenRequest("u", "s", []), clock.GetUtcNow()).Token;
        Assert.Contains(pending.Kid, TokenFixture.Header(newToken), StringComparison.Ordinal);

        clock.Advance(Options.VerifyWindow(KeyPurpose.Refresh) + TimeSpan.FromSeconds(1));
        await keys.MaintainAsync(CancellationToken.None);
        Assert.False(store.Keys.ContainsKey(first.Kid));
    }

    [Fact]
    public async Task Maintain_OnSeveralNodesAtOnce_AddsOneSuccessorPerKind()
    {
        var store = new InMemoryKeyStore();
        var clock = new FakeTimeProvider(Start);
        var nodes = Enumerable.Range(0, 4).Select(_ => new SigningKeys(store, Options, clock)).ToArray();
        await nodes[0].InitializeAsync(CancellationToken.None);
        foreach (var node in nodes)
        {
            await node.InitializeAsync(CancellationToken.None);
        }

        clock.Advance(TimeSpan.FromDays(31));
        await Task.WhenAll(nodes.Select(n => Task.Run(() => n.MaintainAsync(CancellationToken.None))));

        Assert.Equal(4, store.Keys.Count);
    }

    [Fact]
    public async Task Reload_WithoutChanges_KeepsTheTokenService_AndItsVerifiedTokens()
    {
        var (keys, store, _) = await StartAsync();
        var before = keys.Tokens;

        await keys.ReloadAsync(CancellationToken.None);
        Assert.Same(before, keys.Tokens);

        await keys.RotateAsync(TimeSpan.FromMinutes(10), CancellationToken.None);
        Assert.NotSame(before, keys.Tokens);
        Assert.Equal(4, store.Keys.Count);
    }

    [Fact]
    public async Task RotateNow_AddsPendingKeysOnce()
    {
        var (keys, store, _) = await StartAsync();

        var pending = await keys.RotateAsync(TimeSpan.FromMinutes(10), CancellationToken.None);
        var again = await keys.RotateAsync(TimeSpan.FromMinutes(10), CancellationToken.None);

        Assert.Equal(2, pending.Count);
        Assert.Equal(pending.Select(k => k.Kid), again.Select(k => k.Kid));
        Assert.Equal(4, store.Keys.Count);
    }

    [Fact]
    public async Task MasterKey_EncryptsPrivateKeysAtRest_AndRestartDecrypts()
    {
        var master = RandomNumberGenerator.GetBytes(32);
        var store = new InMemoryKeyStore();
        var clock = new FakeTimeProvider(Start);
        var keys = new SigningKeys(store, Options, clock, new KeyProtector(master));
        await keys.InitializeAsync(CancellationToken.None);
        var token = keys.Tokens.IssueAccessToken(new AccessTokenRequest("u", "s", []), Start).Token;
        var plain = keys.Tokens.Ring.Keys.Select(k => k.ToMaterial().PrivateKey).ToArray();

        Assert.All(store.Keys.Values, stored => Assert.DoesNotContain(plain, p => p.AsSpan().SequenceEqual(stored.PrivateKey)));
        var restarted = new SigningKeys(store, Options, clock, new KeyProtector(master));
        await restarted.InitializeAsync(CancellationToken.None);
        Assert.True(restarted.Tokens.ValidateAccessToken(token, Start).Succeeded);
        await Assert.ThrowsAnyAsync<CryptographicException>(() => new SigningKeys(store, Options, clock, new KeyProtector(RandomNumberGenerator.GetBytes(32))).InitializeAsync(CancellationToken.None));
        await Assert.ThrowsAnyAsync<CryptographicException>(() => new SigningKeys(store, Options, clock).InitializeAsync(CancellationToken.None));
    }

    [Fact]
    public void KeyProtector_MovedToAnotherKid_FailsToDecrypt_AndPlaintextStaysReadable()
    {
        var protector = new KeyProtector(RandomNumberGenerator.GetBytes(32));
        var material = new SigningKeyMaterial("kid-a", SigningAlgorithm.HS256, KeyPurpose.Refresh, Start, Start, null, RandomNumberGenerator.GetBytes(32));

        var stored = protector.Protect(material);

        Assert.Equal(material.PrivateKey, protector.Unprotect(stored).PrivateKey);
        Assert.ThrowsAny<CryptographicException>(() => protector.Unprotect(stored with { Kid = "kid-b" }));
        Assert.Equal(material.PrivateKey, protector.Unprotect(material).PrivateKey);
        Assert.Throws<ArgumentException>(() => new KeyProtector(new byte[16]));
    }

    private static async Task<(SigningKeys Keys, InMemoryKeyStore Store, FakeTimeProvider Clock)> StartAsync()
    {
        var store = new InMemoryKeyStore();
        var clock = new FakeTimeProvider(Start);
        var keys = new SigningKeys(store, Options, clock);
        await keys.InitializeAsync(CancellationToken.None);
        return (keys, store, clock);
    }
}
