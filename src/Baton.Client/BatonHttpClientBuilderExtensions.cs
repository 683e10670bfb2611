using Baton.Client;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds Baton's session handling to a client of <c>IHttpClientFactory</c>.</summary>
public static class BatonHttpClientBuilderExtensions
{
    /// <summary>
    /// Sends this client's requests with a Baton session's access token and refreshes it once
    /// per expiry for all concurrent requests (<see cref="BatonAuthenticationHandler"/>).
    /// </summary>
    /// <remarks>
    /// The session's tokens are kept in the <see cref="IBatonTokenStore"/> registered as a keyed
    /// service under the client's name (an <see cref="InMemoryBatonTokenStore"/> unless one was
    /// registered first); its <see cref="BatonTokenManager"/>, keyed the same way, is where an app
    /// sets the tokens after signing in. The refresh goes through this client's own inner
    /// handlers and primary handler.
    /// </remarks>
    /// <param name="builder">The client, from <c>services.AddHttpClient("name")</c>.</param>
    /// <param name="configure">Baton's address, the refresh path, early refresh, <see cref="BatonClientOptions.OnSessionEnded"/>.</param>
    public static IHttpClientBuilder AddBatonClient(this IHttpClientBuilder builder, Action<BatonClientOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var name = builder.Name;
        var services = builder.Services;
        var options = services.AddOptions<BatonClientOptions>(name);
        if (configure is not null)
        {
            options.Configure(configure);
        }

        options.ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<BatonClientOptions>, BatonClientOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddKeyedSingleton<IBatonTokenStore, InMemoryBatonTokenStore>(name);
        services.TryAddKeyedSingleton(name, (sp, _) => new BatonTokenManager(
            sp.GetRequiredKeyedService<IBatonTokenStore>(name),
            sp.GetRequiredService<IOptionsMonitor<BatonClientOptions>>().Get(name),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetService<ILoggerFactory>()?.CreateLogger(Log.Category),
            name));
        return builder.AddHttpMessageHandler(sp => new BatonAuthenticationHandler(sp.GetRequiredKeyedService<BatonTokenManager>(name)));
    }
}
