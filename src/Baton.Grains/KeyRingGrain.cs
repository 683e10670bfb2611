using System.Collections.Immutable;
using Microsoft.Extensions.Logging;

namespace Baton.Grains;

/// <summary>
/// The one writer of the signing key ring (key <see cref="IKeyRingGrain.DefaultKey"/>). It only
/// stores: key generation, the master key's protection and the rotation schedule
/// (<see cref="Core.Tokens.SigningKeys"/>) run in the API fronts, which propose keys under
/// deterministic kids, so fronts doing the same at the same moment add one key, not several.
/// </summary>
public sealed class KeyRingGrain(
    [PersistentState("ring", "keys")] IPersistentState<KeyRingState> state,
    ILogger<KeyRingGrain> logger) : Grain, IKeyRingGrain
{
    private ImmutableArray<KeyDetails> Keys => state.State.Keys.IsDefault ? [] : state.State.Keys;

    /// <inheritdoc />
    public Task<ImmutableArray<KeyDetails>> GetKeysAsync() => Task.FromResult(Keys);

    /// <inheritdoc />
    public async Task<bool> TryAddKeyAsync(KeyDetails key)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (Keys.Any(k => string.Equals(k.Kid, key.Kid, StringComparison.Ordinal)))
        {
            return false;
        }

        await state.CommitAsync(new KeyRingState(Keys.Add(key)), this, logger);
        return true;
    }

    /// <inheritdoc />
    public async Task<bool> RetireKeyAsync(string kid, DateTimeOffset retiresAt)
    {
        var keys = Keys;
        for (var i = 0; i < keys.Length; i++)
        {
            if (string.Equals(keys[i].Kid, kid, StringComparison.Ordinal))
            {
                if (keys[i].RetiresAt is null)
                {
                    await state.CommitAsync(new KeyRingState(keys.SetItem(i, keys[i] with { RetiresAt = retiresAt })), this, logger);
                }

                return true;
            }
        }

        return false;
    }

    /// <inheritdoc />
    public async Task<int> DeleteRetiredKeysAsync(DateTimeOffset before)
    {
        var kept = Keys.RemoveAll(k => k.RetiresAt is { } retired && retired < before);
        var deleted = Keys.Length - kept.Length;
        if (deleted > 0)
        {
            await state.CommitAsync(new KeyRingState(kept), this, logger);
        }

        return deleted;
    }
}
