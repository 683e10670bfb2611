using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace Baton.Client.Tests;

/// <summary>The handler against the real API: one refresh per expiry, retried bodies, ended sessions, cancellation.</summary>
public sealed class BatonAuthenticationHandlerTests(BatonServer server) : IClassFixture<BatonServer>
{
    private static readonly Action<BatonClientOptions> OnlyOn401 = o => o.RefreshBeforeExpiry = TimeSpan.Zero;

    [Fact]
    public async Task SendAsync_TwentyConcurrentRequestsAfterExpiry_RotateOnceAndAllSucceed()
    {
        using var app = new ClientUnderTest(server, OnlyOn401);
        var (_, _, tokens) = await server.NewUserAsync();
        await app.Store.SetAsync(tokens);
        server.ExpireAccessTokens();
        var http = app.CreateClient();

        var responses = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => http.GetAsync("/v1/me")));

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        Assert.Equal(1, app.Wire.Refreshes);
        Assert.Equal(1, app.Wire.Count("/v1/auth/refresh", HttpStatusCode.OK));
        Assert.InRange(app.Wire.Count("/v1/me", HttpStatusCode.Unauthorized), 1, 20);
        var rotated = await app.Store.GetAsync();
        Assert.NotNull(rotated);
        Assert.NotEqual(tokens.RefreshToken, rotated.RefreshToken);
        // With no reuse grace a second rotation of the old token would have ended the session (reuse_detected).
        Assert.Empty(app.Ended);
        using var after = await http.GetAsync("/v1/me");
        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
        Assert.Equal(1, app.Wire.Refreshes);
    }

    [Fact]
    public async Task RefreshAsync_TokensAlreadyReplaced_ReturnsTheStoredOnesWithoutSending()
    {
        using var app = new ClientUnderTest(server, OnlyOn401);
        var (_, _, tokens) = await server.NewUserAsync();
        await app.Store.SetAsync(tokens);
        server.ExpireAccessTokens();
        var http = app.CreateClient();
        using var first = await http.GetAsync("/v1/me");
        var manager = new BatonTokenManager(app.Store, new BatonClientOptions(), server.Clock);

        // A request that was refused with the old token after the refresh had finished.
        var outcome = await manager.RefreshAsync(tokens, new InnerSender((_, _) => throw new InvalidOperationException("No refresh expected."), null), CancellationToken.None);

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal((await app.Store.GetAsync())?.AccessToken, outcome.Tokens?.AccessToken);
        Assert.Equal(1, app.Wire.Refreshes);
    }

    [Fact]
    public async Task SendAsync_AccessTokenNearExpiry_RefreshesBeforeSending()
    {
        using var app = new ClientUnderTest(server, o => (o.RefreshBeforeExpiry, o.RefreshJitter) = (TimeSpan.FromSeconds(60), TimeSpan.Zero));
        var (_, _, tokens) = await server.NewUserAsync();
        await app.Store.SetAsync(tokens);
        var http = app.CreateClient();
        using var early = await http.GetAsync("/v1/me");
        Assert.Equal(0, app.Wire.Refreshes);

        server.Clock.Advance(TimeSpan.FromMinutes(14.5));
        using var late = await http.GetAsync("/v1/me");

        Assert.Equal(HttpStatusCode.OK, early.StatusCode);
        Assert.Equal(HttpStatusCode.OK, late.StatusCode);
        Assert.Equal(1, app.Wire.Refreshes);
        Assert.Equal(0, app.Wire.Count("/v1/me", HttpStatusCode.Unauthorized));
        Assert.NotEqual(tokens.RefreshToken, (await app.Store.GetAsync())?.RefreshToken);
    }

    [Fact]
    public async Task SendAsync_RetriedAfterRefresh_ResendsTheBodyIntact()
    {
        using var app = new ClientUnderTest(server, OnlyOn401);
        var (_, username, tokens) = await server.NewUserAsync();
        await app.Store.SetAsync(tokens);
        server.ExpireAccessTokens();
        const string newPassword = "a different horse battery staple";
        var body = JsonSerializer.SerializeToUtf8Bytes(new { current_password = BatonServer.Password, new_password = newPassword });
        using var content = new StreamContent(new ForwardOnlyStream(body));
        content.Headers.ContentType = new("application/json");

        using var response = await app.CreateClient().PostAsync("/v1/me/password", content);

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Equal(1, app.Wire.Count("/v1/me/password", HttpStatusCode.Unauthorized));
        Assert.Equal(1, app.Wire.Refreshes);
        // The server read the whole body on the retry: the new password now signs in.
        Assert.NotNull(await server.LoginAsync(username, newPassword));
    }

    [Fact]
    public async Task SendAsync_SessionKicked_ThrowsSessionEndedWithReasonOnceForAllRequests()
    {
        using var app = new ClientUnderTest(server);
        var (userId, username, tokens) = await server.NewUserAsync();
        await app.Store.SetAsync(tokens);
        await server.KickAsync(userId);
        var http = app.CreateClient();

        var failures = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => Assert.ThrowsAsync<BatonSessionEndedException>(() => http.GetAsync("/v1/me"))));

        Assert.All(failures, e => Assert.Equal((BatonErrorCodes.SessionEnded, "kicked"), (e.Code, e.Reason)));
        var ended = Assert.Single(app.Ended);
        Assert.Equal((ClientUnderTest.Name, BatonErrorCodes.SessionEnded, "kicked"), (ended.ClientName, ended.Code, ended.Reason));
        Assert.Equal(1, app.Wire.Refreshes);
        Assert.Null(await app.Store.GetAsync());

        // Until the app signs in again, a request hears the same reason at once: nothing is sent, no refresh loop.
        var sent = app.Wire.Exchanges.Count;
        var again = await Assert.ThrowsAsync<BatonSessionEndedException>(() => http.GetAsync("/v1/me"));
        Assert.Equal("kicked", again.Reason);
        Assert.Equal(sent, app.Wire.Exchanges.Count);
        Assert.Single(app.Ended);

        await app.Store.SetAsync(await server.LoginAsync(username, BatonServer.Password));
        using var signedIn = await http.GetAsync("/v1/me");
        Assert.Equal(HttpStatusCode.OK, signedIn.StatusCode);
    }

    [Fact]
    public async Task SendAsync_KickedSessionWithExpiredToken_ThrowsSessionEndedKicked()
    {
        using var app = new ClientUnderTest(server, OnlyOn401);
        var (userId, _, tokens) = await server.NewUserAsync();
        await app.Store.SetAsync(tokens);
        await server.KickAsync(userId);
        server.ExpireAccessTokens();

        var failure = await Assert.ThrowsAsync<BatonSessionEndedException>(() => app.CreateClient().GetAsync("/v1/me"));

        Assert.Equal((BatonErrorCodes.SessionEnded, "kicked"), (failure.Code, failure.Reason));
        Assert.Equal(1, app.Wire.Count("/v1/me", HttpStatusCode.Unauthorized));
        Assert.Equal(1, app.Wire.Refreshes);
    }

    [Fact]
    public async Task SendAsync_RefreshTokenRotatedElsewhere_ThrowsRefreshTokenReused()
    {
        using var app = new ClientUnderTest(server, OnlyOn401);
        var (_, _, tokens) = await server.NewUserAsync();
        await app.Store.SetAsync(tokens);
        await server.RefreshAsync(tokens);
        server.ExpireAccessTokens();

        var failure = await Assert.ThrowsAsync<BatonSessionEndedException>(() => app.CreateClient().GetAsync("/v1/me"));

        Assert.Equal(BatonErrorCodes.RefreshTokenReused, failure.Code);
        Assert.Equal(BatonErrorCodes.RefreshTokenReused, Assert.Single(app.Ended).Code);
        Assert.Null(await app.Store.GetAsync());
    }

    [Fact]
    public async Task SendAsync_WaiterCancelledDuringRefresh_ThrowsWhileTheRefreshServesTheOthers()
    {
        using var app = new ClientUnderTest(server, OnlyOn401);
        var (_, _, tokens) = await server.NewUserAsync();
        await app.Store.SetAsync(tokens);
        server.ExpireAccessTokens();
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        app.Wire.RefreshGate = gate;
        var http = app.CreateClient();
        using var cancel = new CancellationTokenSource();

        var starter = http.GetAsync("/v1/me", cancel.Token);
        await app.Wire.RefreshArrived.Task.WaitAsync(TimeSpan.FromSeconds(20));
        var waiter = http.GetAsync("/v1/me");
        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => starter);
        gate.SetResult();
        using var waited = await waiter;
        using var later = await http.GetAsync("/v1/me");

        Assert.Equal(HttpStatusCode.OK, waited.StatusCode);
        Assert.Equal(HttpStatusCode.OK, later.StatusCode);
        Assert.Equal(1, app.Wire.Refreshes);
        Assert.NotEqual(tokens.RefreshToken, (await app.Store.GetAsync())?.RefreshToken);
    }

    [Fact]
    public async Task SendAsync_NotSignedIn_SendsWithoutToken()
    {
        using var app = new ClientUnderTest(server);

        using var response = await app.CreateClient().GetAsync("/v1/me");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(BatonErrorCodes.InvalidToken, (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString());
        Assert.Equal(0, app.Wire.Refreshes);
    }

    /// <summary>A body that can be read once, front to back, like a network or file stream.</summary>
    private sealed class ForwardOnlyStream(byte[] bytes) : Stream
    {
        private readonly MemoryStream _inner = new(bytes);

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => _inner.Read(buffer, offset, count);

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                _inner.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
