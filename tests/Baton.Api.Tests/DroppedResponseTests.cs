using System.Collections.Concurrent;
using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Baton.Api.Tests;

/// <summary>
/// SECURITY.md 33 (DESIGN.md I2, I3): the connection drops between the grain's write and the
/// response, and the client retries with the token it still holds. The retry inside the grace gets
/// the generation the lost answer carried, and that generation is the only successor.
/// </summary>
public sealed class DroppedResponseTests(DroppedResponseTests.DroppingFactory factory) : IClassFixture<DroppedResponseTests.DroppingFactory>
{
    private static readonly TimeSpan Grace = TimeSpan.FromSeconds(10); // SessionPolicy.RefreshReuseGrace's default

    private readonly BatonApi _api = BatonApi.For(factory);

    [Fact]
    public async Task Refresh_ResponseDroppedAfterTheGrainCommitted_RetryInsideTheGraceGetsTheSameGeneration()
    {
        var (_, _, pair) = await _api.NewUserAsync();

        await Assert.ThrowsAnyAsync<Exception>(() => _api.PostJsonAsync(
            "/v1/auth/refresh", new { refresh_token = pair.RefreshToken }, headers: new Dictionary<string, string> { [DroppingFactory.DropHeader] = "1" }));
        var lost = Assert.Single(factory.Dropped, d => d.SessionId == pair.SessionId);
        Assert.Equal(HttpStatusCode.OK, lost.Status);

        factory.Clock.Advance(Grace / 2);
        var retry = await _api.RefreshAsync(pair.RefreshToken!);
        var again = await _api.RefreshAsync(pair.RefreshToken!);

        Assert.Equal(pair.SessionId, retry.SessionId);
        Assert.Equal(Jti(lost.RefreshToken), Jti(retry.RefreshToken));
        Assert.Equal(Jti(lost.RefreshToken), Jti(again.RefreshToken));

        // The successor is live and rotates; the dropped call's token was never a second one.
        factory.Clock.Advance(Grace);
        var next = await _api.RefreshAsync(retry.RefreshToken!);
        Assert.NotEqual(Jti(retry.RefreshToken), Jti(next.RefreshToken));
        using var replay = await _api.RefreshRawAsync(pair.RefreshToken);
        await BatonApi.AssertProblemAsync(replay, HttpStatusCode.Unauthorized, "refresh_token_reused");
    }

    [Fact]
    public async Task Refresh_ClientGivesUpMidRequest_RetriesConvergeOnOneSuccessorEachTime()
    {
        var (_, _, pair) = await _api.NewUserAsync();
        var token = pair.RefreshToken!;
        var chain = new List<string> { Jti(token) };

        for (var i = 0; i < 20; i++)
        {
            // The client hangs up somewhere between sending and reading: before, during or after the grain's write.
            using (var abandon = new CancellationTokenSource(TimeSpan.FromMilliseconds(i % 5)))
            {
                try
                {
                    using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/auth/refresh") { Content = Json(new { refresh_token = token }) };
                    using var abandoned = await _api.Http.SendAsync(request, abandon.Token);
                    Assert.Equal(HttpStatusCode.OK, abandoned.StatusCode);
                }
                catch (OperationCanceledException)
                {
                    // The answer, if any, is lost.
                }
            }

            var retry = await _api.RefreshAsync(token);
            var again = await _api.RefreshAsync(token);
            Assert.Equal(Jti(retry.RefreshToken), Jti(again.RefreshToken));
            Assert.DoesNotContain(Jti(retry.RefreshToken), chain);
            chain.Add(Jti(retry.RefreshToken));
            token = retry.RefreshToken!;
            factory.Clock.Advance(Grace + TimeSpan.FromSeconds(1));
        }

        // Every generation's predecessor is spent: the oldest token is reuse, not a second live branch.
        using var replay = await _api.RefreshRawAsync(pair.RefreshToken);
        await BatonApi.AssertProblemAsync(replay, HttpStatusCode.Unauthorized, "refresh_token_reused");
    }

    private static string Jti(string? refreshToken) => BatonApi.Claim(refreshToken!, "jti");

    private static StringContent Json(object body) => new(JsonSerializer.Serialize(body), Encoding.UTF8, "application/json");

    /// <summary>
    /// The test server with a hook outermost in the pipeline: a request carrying <see cref="DropHeader"/>
    /// is served in full (the grain has written when the endpoint returns), then its connection is
    /// aborted instead of the answer being sent, as a proxy or a network dropping the response would.
    /// </summary>
    public sealed class DroppingFactory : BatonFactory
    {
        public const string DropHeader = "X-Test-Drop-Response";

        public ConcurrentQueue<DroppedAnswer> Dropped { get; } = new();

        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.ConfigureServices(services => services.AddSingleton<IStartupFilter>(new DropFilter(Dropped)));
        }

        private sealed class DropFilter(ConcurrentQueue<DroppedAnswer> dropped) : IStartupFilter
        {
            public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
            {
                app.Use(async (context, inner) =>
                {
                    if (!context.Request.Headers.ContainsKey(DropHeader))
                    {
                        await inner(context);
                        return;
                    }

                    var original = context.Response.Body;
                    using var buffer = new MemoryStream();
                    context.Response.Body = buffer;
                    await inner(context);
                    context.Response.Body = original;
                    dropped.Enqueue(DroppedAnswer.Of((HttpStatusCode)context.Response.StatusCode, buffer.ToArray()));
                    context.Abort();
                });
                next(app);
            };
        }
    }

    /// <summary>What the server answered to a request whose connection was then dropped.</summary>
    public sealed record DroppedAnswer(HttpStatusCode Status, string? SessionId, string? RefreshToken)
    {
        public static DroppedAnswer Of(HttpStatusCode status, byte[] body)
        {
            if (status != HttpStatusCode.OK)
            {
                return new DroppedAnswer(status, null, null);
            }

            var json = JsonDocument.Parse(body).RootElement;
            return new DroppedAnswer(status, json.GetProperty("session_id").GetString(), json.GetProperty("refresh_token").GetString());
        }
    }
}
