using System.Net;
using System.Net.Http.Headers;

namespace Baton.Client;

/// <summary>
/// Sends each request with the session's access token. When Baton answers 401
/// <c>token_expired</c> (or <c>session_ended</c>), it refreshes once, shared with every other
/// request waiting for the same session (<see cref="BatonTokenManager"/>), and sends the request
/// again, once, with the new token. When Baton refuses the refresh, the session is over: the
/// tokens are cleared, <see cref="BatonClientOptions.OnSessionEnded"/> runs once, and the request
/// throws <see cref="BatonSessionEndedException"/> with Baton's code and reason.
/// </summary>
/// <remarks>
/// A request body is buffered before the first send so it can be sent again; a very large
/// streaming upload therefore sits in memory once.
/// </remarks>
public sealed class BatonAuthenticationHandler : DelegatingHandler
{
    private readonly BatonTokenManager _tokens;

    /// <summary>A handler for the session <paramref name="tokens"/> manages.</summary>
    public BatonAuthenticationHandler(BatonTokenManager tokens)
    {
        ArgumentNullException.ThrowIfNull(tokens);
        _tokens = tokens;
    }

    /// <inheritdoc />
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var inner = new InnerSender((r, c) => base.SendAsync(r, c), request.RequestUri);
        var tokens = await _tokens.GetForRequestAsync(inner, cancellationToken);
        if (tokens is null)
        {
            return await base.SendAsync(request, cancellationToken);
        }

        if (request.Content is { } content)
        {
            await content.LoadIntoBufferAsync(cancellationToken);
        }

        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", tokens.AccessToken);
        var response = await base.SendAsync(request, cancellationToken);
        if (response.StatusCode != HttpStatusCode.Unauthorized
            || await BatonProblem.ReadAsync(response, cancellationToken) is not { Code: BatonErrorCodes.TokenExpired or BatonErrorCodes.SessionEnded })
        {
            return response;
        }

        // A session_ended here comes from the API's revoked set; the refresh gets the same answer
        // from the session's owner, once for all requests, so the app hears of the end once.
        var outcome = await _tokens.RefreshAsync(tokens, inner, cancellationToken);
        if (outcome.Ended is { } ended)
        {
            response.Dispose();
            throw new BatonSessionEndedException(ended);
        }

        if (outcome.Tokens is not { } refreshed)
        {
            return response;
        }

        response.Dispose();
        // Not disposed here: the response may still be reading while the body goes out (HTTP/2); the caller owns the original.
        var retry = await CloneAsync(request, cancellationToken);
        retry.Headers.Authorization = new AuthenticationHeaderValue("Bearer", refreshed.AccessToken);
        return await base.SendAsync(retry, cancellationToken);
    }

    /// <summary>A copy of a sent request (a request message is sent only once), with its buffered body.</summary>
    private static async Task<HttpRequestMessage> CloneAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var clone = new HttpRequestMessage(request.Method, request.RequestUri)
        {
            Version = request.Version,
            VersionPolicy = request.VersionPolicy,
        };
        foreach (var (name, values) in request.Headers)
        {
            clone.Headers.TryAddWithoutValidation(name, values);
        }

        foreach (var (key, value) in request.Options)
        {
            ((IDictionary<string, object?>)clone.Options)[key] = value;
        }

        if (request.Content is { } content)
        {
            clone.Content = new ByteArrayContent(await content.ReadAsByteArrayAsync(cancellationToken));
            foreach (var (name, values) in content.Headers)
            {
                clone.Content.Headers.TryAddWithoutValidation(name, values);
            }
        }

        return clone;
    }
}
