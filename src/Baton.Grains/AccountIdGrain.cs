using Microsoft.Extensions.Logging;

namespace Baton.Grains;

/// <summary>The index from a user id (key) to its account's normalized username; written and cleared by <see cref="AccountGrain"/>.</summary>
public sealed class AccountIdGrain(
    [PersistentState("account", "accounts")] IPersistentState<NameState> state,
    ILogger<AccountIdGrain> logger) : Grain, IAccountIdGrain
{
    /// <inheritdoc />
    public Task<string?> GetUsernameAsync() => Task.FromResult(state.State.NormalizedUsername);

    /// <inheritdoc />
    public async Task SetAsync(string normalizedUsername)
    {
        if (!string.Equals(state.State.NormalizedUsername, normalizedUsername, StringComparison.Ordinal))
        {
            await state.CommitAsync(new NameState(normalizedUsername), this, logger);
        }
    }

    /// <inheritdoc />
    public async Task ClearAsync(string normalizedUsername)
    {
        if (string.Equals(state.State.NormalizedUsername, normalizedUsername, StringComparison.Ordinal))
        {
            await state.CommitAsync(new NameState(), this, logger);
        }
    }
}
