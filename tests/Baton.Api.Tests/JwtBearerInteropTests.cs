using System.Net;
using System.Net.Http.Headers;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Baton.Api.Tests;

/// <summary>
/// An ordinary ASP.NET Core API protected by Microsoft's JwtBearer handler with nothing but
/// <c>Authority</c> pointing at Baton: discovery and the JWKS must be enough.
/// </summary>
public sealed class JwtBearerInteropTests(BatonFactory factory) : IClassFixture<BatonFactory>, IAsyncLifetime
{
    private readonly BatonApi _baton = BatonApi.For(factory);
    private WebApplication? _resourceServer;
    private HttpClient _resource = null!;

    public async Task InitializeAsync()
    {
        _ = factory.Server; // start Baton so its handler can serve discovery to the resource server
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseTestServer();
        builder.Services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer(o =>
        {
            o.Authority = "http://localhost:5000";
            o.Audience = "baton";
            o.RequireHttpsMetadata = false;
            o.BackchannelHttpHandler = factory.Server.CreateHandler();
            o.TokenValidationParameters.ValidTypes = ["at+jwt"];
        });
        builder.Services.AddAuthorization();
        _resourceServer = builder.Build();
        _resourceServer.UseAuthentication();
        _resourceServer.UseAuthorization();
        _resourceServer.MapGet("/orders", (HttpContext c) => c.User.FindFirst(System.Security.Claims.ClaimTypes.NameIdentifier)?.Value ?? "no subject").RequireAuthorization();
        await _resourceServer.StartAsync();
        _resource = _resourceServer.GetTestClient();
    }

    public async Task DisposeAsync()
    {
        if (_resourceServer is not null)
        {
            await _resourceServer.DisposeAsync();
        }
    }

    [Fact]
    public async Task JwtBearer_WithAuthority_AcceptsBatonAccessToken()
    {
        var (userId, _, pair) = await _baton.NewUserAsync();

        using var response = await CallAsync(pair.AccessToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(userId, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task JwtBearer_RejectsRefreshToken()
    {
        var (_, _, pair) = await _baton.NewUserAsync();

        using var response = await CallAsync(pair.RefreshToken!);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task JwtBearer_RejectsTamperedToken()
    {
        var (_, _, pair) = await _baton.NewUserAsync();
        var parts = pair.AccessToken.Split('.');
        var tampered = parts[0] + "." + parts[1][..^2] + (parts[1][^2] == 'A' ? "BA" : "AA") + "." + parts[2];

        using var response = await CallAsync(tampered);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    private Task<HttpResponseMessage> CallAsync(string token)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/orders");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return _resource.SendAsync(request);
    }
}
