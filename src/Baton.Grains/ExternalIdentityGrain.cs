using Microsoft.Extensions.Logging;

namespace Baton.Grains;

/// <summary>The one owner of an external identity (key = provider and subject): the user it signs in. Claimed and released by <see cref="UserIdentitiesGrain"/> only.</summary>
public sealed class ExternalIdentityGrain(
    [PersistentState("identity", "accounts")] IPersistentState<ExternalIdentityState> state,
    ILogger<ExternalIdentityGrain> logger) : Grain, IExternalIdentityGrain
{
    /// <inheritdoc />
    public Task<string?> GetUserAsync() => Task.FromResult(state.State.UserId);

    /// <inheritdoc />
    public async Task<string> ClaimAsync(string userId, string? replacing)
    {
        var owner = state.State.UserId;
        if (owner is null || (replacing is not null && string.Equals(owner, replacing, StringComparison.Ordinal)))
        {
            await state.CommitAsync(new ExternalIdentityState(userId), this, logger);
            return userId;
        }

        return owner;
    }

    /// <inheritdoc />
    public async Task ReleaseAsync(string userId)
    {
        if (string.Equals(state.State.UserId, userId, StringComparison.Ordinal))
        {
            await state.CommitAsync(new ExternalIdentityState(), this, logger);
        }
    }
}
