using Baton.Testing;
using Orleans.Runtime;

namespace Baton.Grains.Tests;

/// <summary>A one-time sign-in code leaves nothing in storage, redeemed or not.</summary>
[Collection(GrainClusterTests.Name)]
public sealed class ExternalCodeGrainTests(GrainClusterFixture fixture) : GrainTestBase(fixture)
{
    private static readonly PendingSignIn SignIn = new("user-1", "gitee", new DeviceDetails("laptop", "web", null));

    [Fact]
    public async Task Redeem_IssuedCode_AnswersOnceAndDeletesTheRecord()
    {
        var key = NewId();
        var code = Cluster.Client.GetGrain<IExternalCodeGrain>(key);
        await code.IssueAsync(SignIn, GrainClusterFixture.Clock.GetUtcNow().AddMinutes(5));
        Assert.True(CodeStored(key));

        Assert.Equal(SignIn, await code.RedeemAsync());
        Assert.Null(await code.RedeemAsync());
        Assert.False(CodeStored(key));
    }

    [Fact]
    public async Task Issue_CodeNeverRedeemed_IsDeletedOnceItExpires()
    {
        var key = NewId();
        var code = Cluster.Client.GetGrain<IExternalCodeGrain>(key);
        await code.IssueAsync(SignIn, GrainClusterFixture.Clock.GetUtcNow().AddMilliseconds(100));
        Assert.True(CodeStored(key));

        GrainClusterFixture.Clock.Advance(TimeSpan.FromSeconds(1));

        await Eventually.UntilAsync(() => Task.FromResult(!CodeStored(key)), TimeSpan.FromSeconds(10));
    }

    private static bool CodeStored(string key) => Store.TryRead(TestGrainStore.KeyOf(GrainId.Create("externalcode", key), "code"), out _, out _);
}
