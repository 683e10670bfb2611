namespace Baton.Client;

/// <summary>
/// Where a Baton client keeps its session's tokens. Implementations must be safe to call from
/// many threads at once: every request reads the tokens, and a refresh replaces them.
/// </summary>
/// <remarks>
/// The refresh token rotates on every refresh and the previous one is treated as stolen when it
/// comes back, so a store that persists tokens must persist each new pair before it is used again,
/// and must never hand out an older pair after a newer one was set.
/// </remarks>
public interface IBatonTokenStore
{
    /// <summary>The current tokens, or <see langword="null"/> when not signed in.</summary>
    ValueTask<BatonTokens?> GetAsync(CancellationToken cancellationToken = default);

    /// <summary>Replaces the tokens (after a sign-in or a refresh).</summary>
    ValueTask SetAsync(BatonTokens tokens, CancellationToken cancellationToken = default);

    /// <summary>Forgets the tokens (the session has ended).</summary>
    ValueTask ClearAsync(CancellationToken cancellationToken = default);
}
