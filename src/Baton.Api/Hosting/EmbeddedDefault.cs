using Baton.Core.Audit;
using Baton.Core.Storage;
using Baton.Grains;
using Baton.Silo;
using Baton.Api.Sessions;
using Baton.Storage.Sqlite;
using Microsoft.Extensions.Options;

namespace Baton.Api.Hosting;

/// <summary>
/// The embedded default (DESIGN.md §2): one silo co-hosted in this process on localhost
/// clustering; the grains' state (ledgers, accounts, the key ring) and the event log in one SQLite file.
/// </summary>
internal static class EmbeddedDefault
{
    public static WebApplicationBuilder AddEmbeddedSilo(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        var silo = builder.Configuration.GetSection(SiloOptions.SectionName).Get<SiloOptions>() ?? new SiloOptions();

        // A relative path is the content root's (the application's folder), not the working directory's.
        services.AddOptions<SqliteStoreOptions>().BindConfiguration(SqliteStoreOptions.SectionName)
            .PostConfigure<IHostEnvironment>((o, host) => o.Path = Path.GetFullPath(o.Path, host.ContentRootPath));
        services.AddSingleton(sp => new SqliteStore(sp.GetRequiredService<IOptions<SqliteStoreOptions>>().Value));
        services.AddSingleton<IAuditLog>(sp => sp.GetRequiredService<SqliteStore>());
        services.AddSingleton<IRevocationLog>(sp => sp.GetRequiredService<SqliteStore>());
        services.AddSingleton<ISigningKeyStore, KeyRingStore>();
        services.AddSingleton<IStoreMigrator>(sp => sp.GetRequiredService<SqliteStore>());
        services.AddSingleton<ILegacyAccounts>(sp => sp.GetRequiredService<SqliteStore>());

        builder.UseOrleans(orleans => orleans.AddBatonEmbeddedSilo(silo));

        // The grains decide with the host's clock (tests set it); Orleans keeps its own for timers and probes.
        services.AddKeyedSingleton<TimeProvider>(BatonGrainsSiloBuilderExtensions.ClockKey, (sp, _) => sp.GetRequiredService<TimeProvider>());
        services.AddSingleton<IEventLog>(sp => new LocalRevocations(
            new SqliteEventLog(sp.GetRequiredService<SqliteDatabase>()), sp.GetRequiredService<RevokedSessions>(), sp.GetRequiredService<RevocationWatcher>()));
        return builder;
    }
}
