using Baton.Core.Tokens;

namespace Baton.Core.Storage;

/// <summary>The key ring's persistence, shared by every node so they all sign and verify with the same keys.</summary>
public interface ISigningKeyStore
{
    /// <summary>Every stored key, active, pending and retired, in no particular order.</summary>
    Task<IReadOnlyList<SigningKeyMaterial>> LoadKeysAsync(CancellationToken cancellationToken);

    /// <summary>Stores a new key; false, changing nothing, when its kid already exists.</summary>
    Task<bool> TryAddKeyAsync(SigningKeyMaterial key, CancellationToken cancellationToken);

    /// <summary>Marks a key as retired from <paramref name="retiresAt"/> unless it already is; false when no key has that kid.</summary>
    Task<bool> RetireKeyAsync(string kid, DateTimeOffset retiresAt, CancellationToken cancellationToken);

    /// <summary>Deletes retired keys whose retirement ended before <paramref name="before"/>; returns how many.</summary>
    Task<int> DeleteRetiredKeysAsync(DateTimeOffset before, CancellationToken cancellationToken);
}
