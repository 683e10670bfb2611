using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Runtime;

namespace Baton.Api.Tests;

/// <summary>
/// The embedded default (DESIGN.md §2): one silo co-hosted in the API process, its grains' state
/// and event log in the SQLite file. State outlives the process, and the silo is not an API.
/// </summary>
public sealed class EmbeddedSiloTests
{
    [Fact]
    public async Task Restart_OnTheSameFile_PairsIssuedBeforeStillRefreshAndValidate()
    {
        using var second = new BatonFactory();
        Pair issued;
        Pair refreshed;
        using (var first = new BatonFactory())
        {
            first.Settings["Baton:Sqlite:Path"] = second.DatabasePath;
            var api = BatonApi.For(first);
            (_, _, issued) = await api.NewUserAsync();
            refreshed = await api.RefreshAsync(issued.RefreshToken!);
        }

        var restarted = BatonApi.For(second);
        using var me = await restarted.GetAsync("/v1/me", refreshed.AccessToken);
        var next = await restarted.RefreshAsync(refreshed.RefreshToken!);
        using var afterRotation = await restarted.GetAsync("/v1/me", next.AccessToken);

        Assert.Equal(HttpStatusCode.OK, me.StatusCode);
        Assert.Equal(refreshed.SessionId, next.SessionId);
        Assert.NotEqual(refreshed.RefreshToken, next.RefreshToken);
        Assert.Equal(HttpStatusCode.OK, afterRotation.StatusCode);
    }

    [Fact]
    public async Task Restart_OnTheSameFile_EndedSessionsStayEnded()
    {
        using var second = new BatonFactory();
        Pair kicked;
        using (var first = new BatonFactory())
        {
            first.Settings["Baton:Sqlite:Path"] = second.DatabasePath;
            var api = BatonApi.For(first);
            (var userId, _, kicked) = await api.NewUserAsync();
            using var kick = await api.SendAsync(new HttpRequestMessage(HttpMethod.Post, $"/v1/admin/users/{userId}/kick"), headers: ApiKeyHeaders.AdminKey);
            Assert.Equal(HttpStatusCode.OK, kick.StatusCode);
        }

        var restarted = BatonApi.For(second);
        using var me = await restarted.GetAsync("/v1/me", kicked.AccessToken);
        using var refresh = await restarted.RefreshRawAsync(kicked.RefreshToken);

        // The restarted front's follower starts from the log: the kick is known without asking the grain.
        await BatonApi.AssertProblemAsync(me, HttpStatusCode.Unauthorized, "session_ended", "kicked");
        await BatonApi.AssertProblemAsync(refresh, HttpStatusCode.Unauthorized, "session_ended", "kicked");
    }

    [Fact]
    public async Task Silo_BindsToLoopbackOnly()
    {
        using var factory = new BatonFactory();
        _ = BatonApi.For(factory);

        var silo = factory.Services.GetRequiredService<ILocalSiloDetails>();

        // SECURITY.md 42: anything that reaches the silo or gateway port can call any grain.
        Assert.True(IPAddress.IsLoopback(silo.SiloAddress.Endpoint.Address), silo.SiloAddress.ToString());
        Assert.True(silo.GatewayAddress is null || IPAddress.IsLoopback(silo.GatewayAddress.Endpoint.Address), silo.GatewayAddress?.ToString());
        await Task.CompletedTask;
    }
}
