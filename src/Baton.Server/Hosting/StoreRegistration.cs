using Baton.Core.Audit;
using Baton.Core.Engine;
using Baton.Core.Storage;
using Baton.Core.Users;
using Baton.Server.Options;
using Baton.Storage.Postgres;
using Baton.Storage.Sqlite;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace Baton.Server.Hosting;

/// <summary>Registers the configured store behind every store contract, and for PostgreSQL the change feed.</summary>
internal static class StoreRegistration
{
    public static IServiceCollection AddBatonStore(this IServiceCollection services, StoreProvider provider)
    {
        switch (provider)
        {
            case StoreProvider.Sqlite:
                // A relative path is the content root's (the application's folder), not the working directory's.
                services.AddOptions<SqliteStoreOptions>().BindConfiguration(SqliteStoreOptions.SectionName)
                    .PostConfigure<IHostEnvironment>((o, host) => o.Path = Path.GetFullPath(o.Path, host.ContentRootPath));
                services.AddSingleton(sp => new SqliteStore(sp.GetRequiredService<IOptions<SqliteStoreOptions>>().Value));
                AddContracts<SqliteStore>(services);
                break;
            case StoreProvider.Postgres:
                services.AddOptions<PostgresStoreOptions>().BindConfiguration(PostgresStoreOptions.SectionName).ValidateOnStart();
                services.AddSingleton<IValidateOptions<PostgresStoreOptions>, PostgresOptionsValidator>();
                services.AddSingleton(sp => new PostgresStore(sp.GetRequiredService<IOptions<PostgresStoreOptions>>().Value));
                services.AddSingleton(sp => new PostgresChangeFeed(sp.GetRequiredService<IOptions<PostgresStoreOptions>>().Value, sp.GetRequiredService<LedgerCache>()));
                services.AddHostedService<ChangeFeedService>();
                services.AddHealthChecks().AddCheck<ChangeFeedHealthCheck>("change-feed", tags: [OperationsApi.ReadyTag]);
                AddContracts<PostgresStore>(services);
                break;
            default:
                throw new InvalidOperationException($"{StoreOptions.SectionName}:Provider must be Sqlite or Postgres (was '{provider}').");
        }

        return services;
    }

    private static void AddContracts<TStore>(IServiceCollection services)
        where TStore : class, ILedgerStore, IUserStore, IAuditLog, IRevocationLog, ISigningKeyStore, IStoreMigrator
    {
        services.AddSingleton<ILedgerStore>(sp => sp.GetRequiredService<TStore>());
        services.AddSingleton<IUserStore>(sp => sp.GetRequiredService<TStore>());
        services.AddSingleton<IAuditLog>(sp => sp.GetRequiredService<TStore>());
        services.AddSingleton<IRevocationLog>(sp => sp.GetRequiredService<TStore>());
        services.AddSingleton<ISigningKeyStore>(sp => sp.GetRequiredService<TStore>());
        services.AddSingleton<IStoreMigrator>(sp => sp.GetRequiredService<TStore>());
    }
}

/// <summary>Runs the node's change feed for the life of the host.</summary>
internal sealed class ChangeFeedService(PostgresChangeFeed feed) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        feed.Start();
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken) => await feed.DisposeAsync();
}

/// <summary>Not ready while the feed is down: this node's cache is off and it cannot hear other nodes' changes.</summary>
internal sealed class ChangeFeedHealthCheck(PostgresChangeFeed feed) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(feed.IsConnected
            ? HealthCheckResult.Healthy($"Listening; {feed.Reconnects} reconnects.")
            : HealthCheckResult.Unhealthy("The change feed is reconnecting.", feed.LastError));
}

internal sealed class PostgresOptionsValidator : OptionsValidator<PostgresStoreOptions>
{
    protected override void Check(PostgresStoreOptions o, Action<bool, string> require)
    {
        const string s = PostgresStoreOptions.SectionName;
        require(!string.IsNullOrWhiteSpace(o.ConnectionString), $"{s}:ConnectionString is required when {StoreOptions.SectionName}:Provider is Postgres.");
        require(o.CommandTimeout >= TimeSpan.FromSeconds(1), $"{s}:CommandTimeout must be at least 1 second.");
        require(o.ConnectTimeout >= TimeSpan.FromSeconds(1) && o.ConnectTimeout <= TimeSpan.FromSeconds(1024), $"{s}:ConnectTimeout must be between 1 and 1024 seconds.");
        require(o.FeedInitialBackoff > TimeSpan.Zero && o.FeedInitialBackoff <= o.FeedMaxBackoff, $"{s}:FeedInitialBackoff must be positive and at most FeedMaxBackoff.");
    }
}
