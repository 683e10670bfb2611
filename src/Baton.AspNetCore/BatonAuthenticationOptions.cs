namespace Baton.AspNetCore;

/// <summary>How a resource server trusts Baton.</summary>
public sealed class BatonAuthenticationOptions
{
    /// <summary>Baton's issuer URL (its <c>Baton:Tokens:Issuer</c>); discovery and the JWKS are found under it.</summary>
    public string Authority { get; set; } = "";

    /// <summary>The access token audience (<c>Baton:Tokens:AccessAudience</c>).</summary>
    public string Audience { get; set; } = "baton";

    /// <summary>An API key with the <c>tokens:introspect</c> scope, for the revocation feed. Without it the feed is not followed.</summary>
    public string? ApiKey { get; set; }

    /// <summary>What to do with valid tokens while the revocation feed cannot be read. Closed (refuse them) by default.</summary>
    public RevocationFeedFailure WhenFeedUnavailable { get; set; } = RevocationFeedFailure.Closed;

    /// <summary>How far back a starting follower reads ended sessions: at least the access token lifetime.</summary>
    public TimeSpan CatchUp { get; set; } = TimeSpan.FromMinutes(20);

    /// <summary>How long an ended session is remembered: at least the access token lifetime plus clock skew.</summary>
    public TimeSpan Retention { get; set; } = TimeSpan.FromMinutes(20);

    /// <summary>The server-side wait of each long poll.</summary>
    public TimeSpan PollWait { get; set; } = TimeSpan.FromSeconds(25);

    /// <summary>For tests and special networks: the handler used for discovery, the JWKS and the feed.</summary>
    public HttpMessageHandler? BackchannelHandler { get; set; }
}

/// <summary>The behaviour while the revocation feed is unreachable.</summary>
public enum RevocationFeedFailure
{
    /// <summary>Refuse every token: a kicked session must not get through (default).</summary>
    Closed,

    /// <summary>Accept tokens that are otherwise valid: availability over prompt revocation.</summary>
    Open,
}
