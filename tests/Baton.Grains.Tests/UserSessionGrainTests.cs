using Baton.Core;
using Baton.Core.Ledgers;

namespace Baton.Grains.Tests;

[Collection(GrainClusterTests.Name)]
public sealed class UserSessionGrainTests(GrainClusterFixture fixture) : GrainTestBase(fixture)
{
    [Fact]
    public async Task StartSession_ThenCheckAndList_StoredAsJsonWithoutTypeNames()
    {
        var userId = NewUserId("smoke");
        var started = await Grain(userId).StartSessionAsync(Login("d1"));

        Assert.True(started.Succeeded);
        Assert.Equal(1, started.Session.Generation);
        Assert.True((await Grain(userId, 1).CheckSessionAsync(started.Session.Id)).IsActive);
        var list = await Grain(userId, 2).ListSessionsAsync();
        Assert.Equal(started.Session.Id, Assert.Single(list.Sessions).Id);
        var summary = await Grain(userId).GetSummaryAsync();
        Assert.Equal(new LedgerSummary(1, null, 1), summary);
        var json = Store.Writes.Last(w => w.Key == TestGrainStore.KeyOfUser(userId)).Json;
        Assert.DoesNotContain("$type", json, StringComparison.Ordinal);
        Assert.DoesNotContain("Baton.", json, StringComparison.Ordinal);
        Assert.Contains("\"currentJti\"", json, StringComparison.Ordinal);
    }
}
