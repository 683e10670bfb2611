using Baton.Core.Storage;
using Baton.Core.Tokens;
using Baton.Core.Users;
using Baton.Api.Accounts;
using Baton.Api.Options;
using Microsoft.Extensions.Options;

namespace Baton.Api.Hosting;

/// <summary>Runs before the server takes requests: the Unicode check usernames need, schema migrations, the import of an older file's accounts and keys, the signing key ring, the bootstrap admin.</summary>
/// <remarks>The migrator is the SQLite file's; Redis has no schema to migrate.</remarks>
internal sealed class StartupTasks(
    LegacyAccountImport legacy,
    SigningKeys keys,
    AccountService accounts,
    IOptions<BootstrapOptions> bootstrap,
    ILogger<StartupTasks> logger,
    IStoreMigrator? migrator = null) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        UsernameNormalizer.EnsureAvailable();
        if (migrator is not null)
        {
            await migrator.MigrateAsync(cancellationToken);
        }

        await legacy.RunAsync(cancellationToken);
        await keys.InitializeAsync(cancellationToken);
        if (bootstrap.Value.AdminUsername is { Length: > 0 } admin)
        {
            await accounts.EnsureAdminAsync(admin, bootstrap.Value.AdminPassword, cancellationToken);
            Log.AdminBootstrapped(logger, admin);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
