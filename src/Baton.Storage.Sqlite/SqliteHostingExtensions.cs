using Baton.Core.Audit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Orleans.Hosting;
using Orleans.Runtime.Hosting;
using Orleans.Serialization.Serializers;
using Orleans.Storage;

namespace Baton.Storage.Sqlite;

/// <summary>Registers the embedded default's grain storage and event log, both on the one <see cref="SqliteDatabase"/> of <see cref="SqliteStoreOptions"/>.</summary>
public static class SqliteHostingExtensions
{
    /// <summary>Adds a <see cref="SqliteGrainStorage"/> provider named <paramref name="name"/> (Baton's grains use <c>sessions</c>).</summary>
    public static ISiloBuilder AddSqliteGrainStorage(this ISiloBuilder builder, string name, Action<SqliteGrainStorageOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddSqliteGrainStorage(name, configure);
        return builder;
    }

    /// <inheritdoc cref="AddSqliteGrainStorage(ISiloBuilder, string, Action{SqliteGrainStorageOptions}?)" />
    public static IServiceCollection AddSqliteGrainStorage(this IServiceCollection services, string name, Action<SqliteGrainStorageOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentException.ThrowIfNullOrEmpty(name);
        AddSqliteDatabase(services);
        var options = services.AddOptions<SqliteGrainStorageOptions>(name);
        if (configure is not null)
        {
            options.Configure(configure);
        }

        // Not Orleans' DefaultStorageProviderSerializerOptionsConfigurator: it would fall back to the
        // silo-wide serializer, Newtonsoft JSON with "$type" names, where this provider means plain JSON.
        return services.AddGrainStorage(name, static (provider, providerName) =>
        {
            var settings = provider.GetRequiredService<IOptionsMonitor<SqliteGrainStorageOptions>>().Get(providerName);
            return new SqliteGrainStorage(
                providerName,
                provider.GetRequiredService<SqliteDatabase>(),
                settings.GrainStorageSerializer ?? ActivatorUtilities.CreateInstance<SystemTextJsonGrainStorageSerializer>(provider),
                provider.GetRequiredService<IActivatorProvider>(),
                settings.InitStage);
        });
    }

    /// <summary>Adds <see cref="SqliteEventLog"/> as the <see cref="IEventLog"/>.</summary>
    public static IServiceCollection AddSqliteEventLog(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        AddSqliteDatabase(services);
        services.TryAddSingleton<IEventLog>(provider => new SqliteEventLog(provider.GetRequiredService<SqliteDatabase>()));
        return services;
    }

    private static void AddSqliteDatabase(IServiceCollection services)
    {
        services.AddOptions<SqliteStoreOptions>();
        services.TryAddSingleton(provider => new SqliteDatabase(
            provider.GetRequiredService<IOptions<SqliteStoreOptions>>().Value,
            provider.GetService<TimeProvider>() ?? TimeProvider.System));
    }
}
