using System.Collections.Concurrent;
using System.Net;
using Microsoft.Extensions.DependencyInjection;

namespace Baton.Client.Tests;

/// <summary>
/// An app's service provider with a client "api" built by <c>AddBatonClient</c>, sending to the
/// test server. Below the Baton handler a <see cref="Wire"/> records every request that goes out
/// (the refreshes included) and can hold refreshes at a gate.
/// </summary>
public sealed class ClientUnderTest : IDisposable
{
    public const string Name = "api";

    private readonly ServiceProvider _services;

    public ClientUnderTest(BatonServer server, Action<BatonClientOptions>? configure = null)
    {
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(server.Clock);
        services.AddHttpClient(Name, c => c.BaseAddress = server.Server.BaseAddress)
            .AddBatonClient(o =>
            {
                o.OnSessionEnded = ended =>
                {
                    Ended.Enqueue(ended);
                    return Task.CompletedTask;
                };
                configure?.Invoke(o);
            })
            .AddHttpMessageHandler(() => new WireHandler(Wire))
            .ConfigurePrimaryHttpMessageHandler(() => server.Server.CreateHandler());
        _services = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
    }

    public Wire Wire { get; } = new();

    public ConcurrentQueue<BatonSessionEnded> Ended { get; } = new();

    public IBatonTokenStore Store => _services.GetRequiredKeyedService<BatonTokenManager>(Name).Store;

    public HttpClient CreateClient() => _services.GetRequiredService<IHttpClientFactory>().CreateClient(Name);

    public void Dispose() => _services.Dispose();
}

/// <summary>What went over the wire below the Baton handler.</summary>
public sealed class Wire
{
    public ConcurrentQueue<(string Path, HttpStatusCode Status)> Exchanges { get; } = new();

    /// <summary>When set, refresh requests wait for it before they go out.</summary>
    public TaskCompletionSource? RefreshGate { get; set; }

    /// <summary>Completed when a refresh request reaches the gate.</summary>
    public TaskCompletionSource RefreshArrived { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public int Refreshes => Exchanges.Count(e => e.Path == "/v1/auth/refresh");

    public int Count(string path, HttpStatusCode status) => Exchanges.Count(e => e.Path == path && e.Status == status);
}

internal sealed class WireHandler(Wire wire) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var path = request.RequestUri!.AbsolutePath;
        if (path == "/v1/auth/refresh" && wire.RefreshGate is { } gate)
        {
            wire.RefreshArrived.TrySetResult();
            await gate.Task.WaitAsync(cancellationToken);
        }

        var response = await base.SendAsync(request, cancellationToken);
        wire.Exchanges.Enqueue((path, response.StatusCode));
        return response;
    }
}
