using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Baton.Client;

/// <summary>
/// One Baton session's tokens for a client: hands the access token to requests and refreshes it,
/// <b>once</b> for all requests that need it at the same moment. A refresh rotates the refresh
/// token and Baton treats the previous one as stolen when it comes back after the grace, so two
/// refreshes with one token must never race: concurrent callers join the refresh in flight, and a
/// caller whose token was already replaced gets the new one without a second refresh.
/// </summary>
/// <remarks>
/// Shared by every handler of one named client (handlers are pooled and recycled by
/// <c>IHttpClientFactory</c>, the session is not). Thread-safe.
/// </remarks>
public sealed class BatonTokenManager
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    private readonly BatonClientOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Lock _sync = new();
    private Task<RefreshOutcome>? _refresh;

    // The last refused session, so a request refused with its token after the refusal (its 401
    // arrived late) throws the same end instead of going back to the app as a bare 401.
    private volatile EndedSession? _ended;

    /// <summary>A manager of the tokens in <paramref name="store"/>.</summary>
    /// <param name="store">Where the tokens are kept.</param>
    /// <param name="options">How to refresh.</param>
    /// <param name="time">The clock for early refreshes (the system's when <see langword="null"/>).</param>
    /// <param name="logger">Where to log refreshes (nowhere when <see langword="null"/>).</param>
    /// <param name="name">The client's name, for logs and <see cref="BatonSessionEnded.ClientName"/>.</param>
    public BatonTokenManager(IBatonTokenStore store, BatonClientOptions options, TimeProvider? time = null, ILogger? logger = null, string name = "")
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(options);
        var failures = new BatonClientOptionsValidator().Validate(name, options);
        if (failures.Failed)
        {
            throw new ArgumentException(failures.FailureMessage, nameof(options));
        }

        Store = store;
        _options = options;
        _time = time ?? TimeProvider.System;
        _logger = logger ?? NullLogger.Instance;
        Name = name;
    }

    /// <summary>The client's name.</summary>
    public string Name { get; }

    /// <summary>Where the tokens are kept: set them here after signing in.</summary>
    public IBatonTokenStore Store { get; }

    /// <summary>
    /// The tokens to send a request with, refreshed first when the access token is about to
    /// expire; <see langword="null"/> when not signed in. Throws <see cref="BatonSessionEndedException"/>
    /// while the store is empty after Baton refused the session.
    /// </summary>
    internal async Task<BatonTokens?> GetForRequestAsync(InnerSender send, CancellationToken cancellationToken)
    {
        var tokens = await Store.GetAsync(cancellationToken);
        if (tokens is null && _ended is { } ended)
        {
            // Until the app signs in again, every request hears why the session ended.
            throw new BatonSessionEndedException(ended.Ended);
        }

        if (tokens is null || _options.RefreshBeforeExpiry <= TimeSpan.Zero || JwtTimes.Read(tokens.AccessToken) is not { } times)
        {
            return tokens;
        }

        var now = _time.GetUtcNow();
        var window = _options.RefreshBeforeExpiry + (_options.RefreshJitter * Random.Shared.NextDouble());
        if (times.IssuedAt is { } issued && times.ExpiresAt > issued)
        {
            // A short-lived token would otherwise be refreshed on every request.
            window = TimeSpan.FromTicks(Math.Min(window.Ticks, (times.ExpiresAt - issued).Ticks / 2));
        }

        if (now < times.ExpiresAt - window)
        {
            return tokens;
        }

        try
        {
            var outcome = await RefreshAsync(tokens, send, cancellationToken);
            return outcome.Ended is { } refused ? throw new BatonSessionEndedException(refused) : outcome.Tokens;
        }
        catch (HttpRequestException e) when (now < times.ExpiresAt)
        {
            // Early is optional: the token still works, and the next request tries again.
            Log.EarlyRefreshFailed(_logger, Name, e);
            return tokens;
        }
    }

    /// <summary>
    /// Refreshes <paramref name="seen"/> (the tokens a request was refused with), or joins the
    /// refresh in flight, or returns the store's newer tokens when someone already refreshed.
    /// Cancelling stops this caller's wait, not the shared refresh.
    /// </summary>
    internal Task<RefreshOutcome> RefreshAsync(BatonTokens seen, InnerSender send, CancellationToken cancellationToken)
    {
        Task<RefreshOutcome> shared;
        lock (_sync)
        {
            if (_refresh is not { IsCompleted: false })
            {
                _refresh = RunRefreshAsync(seen, send);
            }

            shared = _refresh;
        }

        return shared.WaitAsync(cancellationToken);
    }

    private async Task<RefreshOutcome> RunRefreshAsync(BatonTokens seen, InnerSender send)
    {
        // Off the caller's stack and lock: the refresh belongs to every waiter alike.
        await Task.Yield();
        // A real timer, not the injected clock: the clock only says when tokens expire.
        using var timeout = new CancellationTokenSource(_options.RefreshTimeout);
        if (_ended is { } ended && string.Equals(ended.AccessToken, seen.AccessToken, StringComparison.Ordinal))
        {
            return RefreshOutcome.SessionEnded(ended.Ended);
        }

        var current = await Store.GetAsync(timeout.Token);
        if (current is null)
        {
            return RefreshOutcome.NotSignedIn;
        }

        if (!string.Equals(current.AccessToken, seen.AccessToken, StringComparison.Ordinal))
        {
            // Another request refreshed (or the app signed in again) after this one was sent.
            return RefreshOutcome.Refreshed(current);
        }

        using var request = new HttpRequestMessage(HttpMethod.Post, RefreshUri(send.RequestUri))
        {
            Content = JsonContent.Create(new RefreshBody(current.RefreshToken), options: Json),
        };
        using var response = await send.Invoke(request, timeout.Token);
        if (response.IsSuccessStatusCode)
        {
            var pair = await response.Content.ReadFromJsonAsync<TokenPair>(Json, timeout.Token);
            if (pair is not { AccessToken.Length: > 0, RefreshToken.Length: > 0 })
            {
                throw new HttpRequestException("Baton's refresh answer has no token pair (is the client in cookie mode?).", null, response.StatusCode);
            }

            var refreshed = new BatonTokens(pair.AccessToken, pair.RefreshToken);
            await Store.SetAsync(refreshed, timeout.Token);
            Log.Refreshed(_logger, Name);
            return RefreshOutcome.Refreshed(refreshed);
        }

        var status = (int)response.StatusCode;
        if (response.StatusCode is HttpStatusCode.TooManyRequests || status >= 500)
        {
            // Baton could not answer (503 while its store is down, a rate limit): the refresh token
            // was not used up, so keep it for the next request's try.
            Log.RefreshFailed(_logger, Name, status);
            throw new HttpRequestException($"Baton's refresh answered {status}.", null, response.StatusCode);
        }

        var problem = await BatonProblem.ReadAsync(response, timeout.Token);
        var refusal = new BatonSessionEnded(Name, problem?.Code ?? BatonErrorCodes.InvalidToken, problem?.Reason, problem?.Detail);
        await EndAsync(current, refusal, timeout.Token);
        return RefreshOutcome.SessionEnded(refusal);
    }

    private async Task EndAsync(BatonTokens refused, BatonSessionEnded ended, CancellationToken cancellationToken)
    {
        _ended = new EndedSession(refused.AccessToken, ended);
        if (await Store.GetAsync(cancellationToken) is { } stored && string.Equals(stored.RefreshToken, refused.RefreshToken, StringComparison.Ordinal))
        {
            await Store.ClearAsync(cancellationToken);
        }

        Log.SessionEnded(_logger, Name, ended.Code, ended.Reason);
        if (_options.OnSessionEnded is { } callback)
        {
            try
            {
                await callback(ended);
            }
#pragma warning disable CA1031 // The app's callback must not turn the end of a session into another failure for every waiting request.
            catch (Exception e)
#pragma warning restore CA1031
            {
                Log.CallbackFailed(_logger, Name, e);
            }
        }
    }

    private Uri RefreshUri(Uri? requestUri)
    {
        var baseAddress = _options.BaseAddress
            ?? (requestUri is { IsAbsoluteUri: true } ? new Uri(requestUri.GetLeftPart(UriPartial.Authority)) : null)
            ?? throw new InvalidOperationException($"BatonClientOptions '{Name}': set BaseAddress, or send requests with absolute URIs.");
        return new Uri(baseAddress.GetLeftPart(UriPartial.Path).TrimEnd('/') + _options.RefreshPath);
    }

    private sealed record EndedSession(string AccessToken, BatonSessionEnded Ended);

    private sealed record RefreshBody(string RefreshToken);

    private sealed record TokenPair(string? AccessToken, string? RefreshToken);
}
