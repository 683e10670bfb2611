using Baton.Core.Storage;
using Baton.Core.Users;
using Baton.Grains;
using Baton.Api.Diagnostics;
using Baton.Api.Sessions;

namespace Baton.Api.Hosting;

/// <summary>
/// Copies the accounts and signing keys of a file written before they moved into grains into the
/// grains, then empties the old tables: an upgrade keeps every account, and every token it issued
/// stays valid (the old keys come first, so the ring starts as it was). Idempotent until the tables
/// are emptied: an account or key already in its grain is left as it is.
/// </summary>
internal sealed class LegacyAccountImport(IGrainFactory grains, ISigningKeyStore keys, ILogger<LegacyAccountImport> logger, ILegacyAccounts? legacy = null)
{
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        if (legacy is null)
        {
            return;
        }

        var (users, stored) = await legacy.ReadLegacyAsync(cancellationToken);
        if (users.Count == 0 && stored.Count == 0)
        {
            return;
        }

        foreach (var key in stored)
        {
            await keys.TryAddKeyAsync(key, cancellationToken);
        }

        // Oldest first, so of two old look-alikes the older one holds the skeleton (both stay).
        foreach (var user in users)
        {
            // An old key computed before normalization did anything outside ASCII is recomputed;
            // where that now collides with an older account, the younger keeps its old key.
            var normalized = UsernameNormalizer.TryNormalize(user.Username, out var key) ? key : user.NormalizedUsername;
            if (!await ImportAsync(user with { NormalizedUsername = normalized }, cancellationToken) && !string.Equals(normalized, user.NormalizedUsername, StringComparison.Ordinal))
            {
                await ImportAsync(user, cancellationToken);
            }
        }

        await legacy.ForgetLegacyAsync(cancellationToken);
        Log.LegacyAccountsImported(logger, users.Count, stored.Count);
    }

    private Task<bool> ImportAsync(UserAccount user, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var details = AccountDetails.From(user);
        return GrainFailures.AsStoreFailureAsync(() => grains.GetGrain<IAccountGrain>(details.NormalizedUsername).ImportAsync(details));
    }
}
