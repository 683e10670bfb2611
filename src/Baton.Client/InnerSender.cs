namespace Baton.Client;

/// <summary>
/// The rest of the pipeline below a handler, for sending the refresh request through the same
/// connections and inner handlers as the request that needed it (never through the Baton
/// handler itself).
/// </summary>
/// <param name="Invoke">Sends one request down the pipeline.</param>
/// <param name="RequestUri">The URI of the request that needed a refresh, for when Baton's address is not configured.</param>
internal sealed record InnerSender(Func<HttpRequestMessage, CancellationToken, Task<HttpResponseMessage>> Invoke, Uri? RequestUri);
