namespace Baton.Client;

/// <summary>What a shared refresh came to: new tokens, the end of the session, or no session to refresh.</summary>
internal sealed record RefreshOutcome(BatonTokens? Tokens, BatonSessionEnded? Ended)
{
    public static readonly RefreshOutcome NotSignedIn = new(null, null);

    public static RefreshOutcome Refreshed(BatonTokens tokens) => new(tokens, null);

    public static RefreshOutcome SessionEnded(BatonSessionEnded ended) => new(null, ended);
}
