using Baton.Core.Tokens;
using Baton.Core.Users;

namespace Baton.Core.Storage;

/// <summary>
/// Accounts and signing keys an older Baton kept in its own tables, before they moved into grains:
/// read once at start-up, copied into the grains, then forgotten, so an upgrade keeps its accounts
/// and every token it issued.
/// </summary>
public interface ILegacyAccounts
{
    /// <summary>The accounts (oldest first) and keys still in the old tables; empty once moved.</summary>
    Task<(IReadOnlyList<UserAccount> Users, IReadOnlyList<SigningKeyMaterial> Keys)> ReadLegacyAsync(CancellationToken cancellationToken);

    /// <summary>Empties the old tables, after everything they held is in the grains.</summary>
    Task ForgetLegacyAsync(CancellationToken cancellationToken);
}
