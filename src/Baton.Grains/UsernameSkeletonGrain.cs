using Microsoft.Extensions.Logging;

namespace Baton.Grains;

/// <summary>The reservation of one confusable skeleton (key) by one normalized username; see <see cref="AccountGrain"/> for the protocol.</summary>
public sealed class UsernameSkeletonGrain(
    [PersistentState("owner", "accounts")] IPersistentState<NameState> state,
    ILogger<UsernameSkeletonGrain> logger) : Grain, IUsernameSkeletonGrain
{
    /// <inheritdoc />
    public async Task<string?> ClaimAsync(string normalizedUsername)
    {
        switch (state.State.NormalizedUsername)
        {
            case null:
                await state.CommitAsync(new NameState(normalizedUsername), this, logger);
                return null;
            case var owner when string.Equals(owner, normalizedUsername, StringComparison.Ordinal):
                return null;
            case var owner:
                return owner;
        }
    }

    /// <inheritdoc />
    public async Task ReleaseAsync(string normalizedUsername)
    {
        if (string.Equals(state.State.NormalizedUsername, normalizedUsername, StringComparison.Ordinal))
        {
            await state.CommitAsync(new NameState(), this, logger);
        }
    }

    /// <inheritdoc />
    public Task<string?> GetOwnerAsync() => Task.FromResult(state.State.NormalizedUsername);
}
