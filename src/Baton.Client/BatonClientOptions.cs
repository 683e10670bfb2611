namespace Baton.Client;

/// <summary>How a Baton client refreshes its session (one instance per named <see cref="HttpClient"/>).</summary>
public sealed class BatonClientOptions
{
    /// <summary>
    /// Baton's address, e.g. <c>https://baton.example.com</c>. When <see langword="null"/> the refresh
    /// goes to the scheme, host and port of the request that needed it (the API is Baton itself).
    /// </summary>
    public Uri? BaseAddress { get; set; }

    /// <summary>The refresh endpoint's path under <see cref="BaseAddress"/>.</summary>
    public string RefreshPath { get; set; } = "/v1/auth/refresh";

    /// <summary>
    /// Refresh this long before the access token's <c>exp</c> (read from the JWT without
    /// validating it), so most requests never see a 401. Capped at half the token's lifetime;
    /// <see cref="TimeSpan.Zero"/> refreshes only on a 401 <c>token_expired</c>.
    /// </summary>
    public TimeSpan RefreshBeforeExpiry { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// Up to this much earlier again, chosen at random per request, so that many clients whose
    /// tokens were issued together do not refresh in the same instant.
    /// </summary>
    public TimeSpan RefreshJitter { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>
    /// How long one refresh may take. The refresh is shared by every waiting request and does not
    /// stop when one of them is cancelled: an abandoned rotation would lose the new refresh token.
    /// </summary>
    public TimeSpan RefreshTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Called once when Baton refuses a refresh (the session is over), before each waiting request
    /// throws <see cref="BatonSessionEndedException"/>: the place to send the user to sign in, with
    /// the reason. An exception it throws is logged and otherwise ignored.
    /// </summary>
    public Func<BatonSessionEnded, Task>? OnSessionEnded { get; set; }
}
