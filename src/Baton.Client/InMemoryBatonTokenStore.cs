namespace Baton.Client;

/// <summary>The default token store: the tokens live in this process's memory only, never on disk.</summary>
public sealed class InMemoryBatonTokenStore : IBatonTokenStore
{
    private volatile BatonTokens? _tokens;

    /// <summary>A store holding no tokens yet.</summary>
    public InMemoryBatonTokenStore()
    {
    }

    /// <summary>A store holding <paramref name="tokens"/>.</summary>
    public InMemoryBatonTokenStore(BatonTokens tokens) => _tokens = tokens;

    /// <inheritdoc />
    public ValueTask<BatonTokens?> GetAsync(CancellationToken cancellationToken = default) => ValueTask.FromResult(_tokens);

    /// <inheritdoc />
    public ValueTask SetAsync(BatonTokens tokens, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tokens);
        _tokens = tokens;
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public ValueTask ClearAsync(CancellationToken cancellationToken = default)
    {
        _tokens = null;
        return ValueTask.CompletedTask;
    }
}
