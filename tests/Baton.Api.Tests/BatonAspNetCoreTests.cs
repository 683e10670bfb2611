using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using Baton.AspNetCore;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Xunit.Abstractions;

namespace Baton.Api.Tests;

/// <summary>A resource server protected with <c>AddBatonAuthentication</c>, against a running Baton.</summary>
public sealed class BatonAspNetCoreTests(BatonFactory factory, ITestOutputHelper output) : IClassFixture<BatonFactory>
{
    private readonly BatonApi _baton = BatonApi.For(factory);

    [Fact]
    public async Task KickedSession_IsRefusedByTheResourceServer_WithoutACallPerRequest()
    {
        await using var resource = await StartResourceServerAsync(o => o.ApiKey = BatonFactory.IntrospectKey);
        var (userId, _, pair) = await _baton.NewUserAsync();
        await Eventually.UntilAsync(async () => (await CallAsync(resource.Client, pair.AccessToken)) == HttpStatusCode.OK);

        var clock = Stopwatch.StartNew();
        using (var kick = await _baton.PostJsonAsync($"/v1/admin/users/{userId}/kick", null, headers: new Dictionary<string, string> { ["X-Api-Key"] = BatonFactory.AdminKey }))
        {
            Assert.Equal(HttpStatusCode.OK, kick.StatusCode);
        }

        var committed = clock.Elapsed;
        await Eventually.UntilAsync(async () => (await CallAsync(resource.Client, pair.AccessToken)) == HttpStatusCode.Unauthorized);
        output.WriteLine($"kick to rejection at the resource server: {(clock.Elapsed - committed).TotalMilliseconds:F1} ms");
    }

    [Fact]
    public async Task RefreshToken_IsRefused()
    {
        await using var resource = await StartResourceServerAsync(o => o.ApiKey = BatonFactory.IntrospectKey);
        var (_, _, pair) = await _baton.NewUserAsync();
        await Eventually.UntilAsync(async () => (await CallAsync(resource.Client, pair.AccessToken)) == HttpStatusCode.OK);

        Assert.Equal(HttpStatusCode.Unauthorized, await CallAsync(resource.Client, pair.RefreshToken!));
    }

    [Fact]
    public async Task FeedUnavailable_FailsClosedByDefault_OrOpenWhenConfigured()
    {
        var (_, _, pair) = await _baton.NewUserAsync();
        await using var closed = await StartResourceServerAsync(o => o.ApiKey = "not-a-key");
        await using var open = await StartResourceServerAsync(o =>
        {
            o.ApiKey = "not-a-key";
            o.WhenFeedUnavailable = RevocationFeedFailure.Open;
        });

        Assert.Equal(HttpStatusCode.Unauthorized, await CallAsync(closed.Client, pair.AccessToken));
        Assert.Equal(HttpStatusCode.OK, await CallAsync(open.Client, pair.AccessToken));
    }

    private async Task<ResourceServer> StartResourceServerAsync(Action<BatonAuthenticationOptions> configure)
    {
        _ = factory.Server;
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseTestServer();
        builder.Services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddBatonAuthentication("http://localhost:5000", o =>
        {
            o.BackchannelHandler = factory.Server.CreateHandler();
            o.PollWait = TimeSpan.FromSeconds(5);
            configure(o);
        });
        builder.Services.AddAuthorization();
        var app = builder.Build();
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapGet("/orders", (HttpContext c) => c.User.FindFirst("sub")?.Value ?? "no subject").RequireAuthorization();
        await app.StartAsync();
        return new ResourceServer(app, app.GetTestClient());
    }

    private static async Task<HttpStatusCode> CallAsync(HttpClient client, string token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/orders");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await client.SendAsync(request);
        return response.StatusCode;
    }

    private sealed record ResourceServer(WebApplication App, HttpClient Client) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            Client.Dispose();
            await App.StopAsync();
            await App.DisposeAsync();
        }
    }
}
