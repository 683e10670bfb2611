using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using Xunit.Abstractions;

namespace Baton.Api.Tests;

/// <summary>
/// SECURITY.md 34 (DESIGN.md I6): the embedded default as a real process, SIGKILLed at a random
/// moment of a refresh storm (so at any step of some rotation: before the grain's write, inside the
/// group commit, between the commit and the answer), then restarted on the same file.
/// </summary>
public sealed class ProcessKillTests(ITestOutputHelper output) : IDisposable
{
    private const int Users = 6;
    private const int Kills = 3;

    private static readonly Dictionary<string, string> Settings = new()
    {
        ["Baton:Accounts:PasswordIterations"] = "1000",
        ["Baton:RateLimits:LoginPerMinute"] = "0",
        ["Baton:RateLimits:RegisterPerMinute"] = "0",
        ["Baton:RateLimits:RefreshPerMinute"] = "0",
        ["Baton:RateLimits:PasswordChecksPerMinute"] = "0",
        // Longer than a restart: a client whose answer the kill swallowed retries inside the grace.
        ["Baton:Sessions:RefreshReuseGrace"] = "00:01:00",
    };

    private readonly string _directory = Directory.CreateTempSubdirectory("baton-kill-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task Kill_AtARandomMomentOfARefreshStorm_EveryAcknowledgedGenerationIsCurrentWithOneSuccessor()
    {
        var database = Path.Combine(_directory, "baton.db");
        var seed = Environment.TickCount;
        var random = new Random(seed);
        output.WriteLine($"seed {seed}");
        IReadOnlyList<Client> killed = [];

        for (var round = 0; round <= Kills; round++)
        {
            var clock = Stopwatch.StartNew();
            await using var baton = await BatonProcess.StartAsync(database, Settings);
            output.WriteLine($"round {round}: ready in {clock.ElapsedMilliseconds} ms");
            var api = new BatonApi(baton.Http);
            await VerifyAsync(api, killed, baton);
            if (round == Kills)
            {
                break;
            }

            var clients = await Task.WhenAll(Enumerable.Range(0, Users).Select(async _ => new Client((await api.NewUserAsync()).Pair.RefreshToken!)));
            var storm = clients.Select(c => StormAsync(api, c)).ToArray();
            var delay = random.Next(300, 1500);
            await Task.Delay(delay);
            await baton.KillAsync();
            await Task.WhenAll(storm);
            output.WriteLine($"round {round}: killed after {delay} ms; acknowledged rotations per user: {string.Join(", ", clients.Select(c => c.Acknowledged.Count - 1))}");
            Assert.All(clients, c => Assert.All(c.Answers, s => Assert.Equal(HttpStatusCode.OK, s)));
            killed = clients;
        }
    }

    /// <summary>Refreshes with the last acknowledged token until the process goes away.</summary>
    private static async Task StormAsync(BatonApi api, Client client)
    {
        while (true)
        {
            try
            {
                using var response = await api.RefreshRawAsync(client.Acknowledged[^1]);
                client.Answers.Enqueue(response.StatusCode);
                if (response.StatusCode != HttpStatusCode.OK)
                {
                    return;
                }

                client.Acknowledged.Add(Pair.Of(await BatonApi.JsonOf(response)).RefreshToken!);
            }
            catch (Exception e) when (e is HttpRequestException or IOException or TaskCanceledException)
            {
                return; // killed: this request's answer, if the rotation committed, is lost
            }
        }
    }

    /// <summary>
    /// For each user: the last acknowledged token refreshes (a rotation the kill swallowed comes back
    /// inside the grace, the same generation on every retry), and its predecessor is spent, not a
    /// second live branch: presenting it is reuse, which ends the session.
    /// </summary>
    private static async Task VerifyAsync(BatonApi api, IReadOnlyList<Client> clients, BatonProcess baton)
    {
        foreach (var client in clients)
        {
            var acknowledged = client.Acknowledged[^1];
            using var first = await api.RefreshRawAsync(acknowledged);
            Assert.True(first.StatusCode == HttpStatusCode.OK, $"the last acknowledged token was refused: {(int)first.StatusCode} {await first.Content.ReadAsStringAsync()}\n{baton.Output}");
            var current = Pair.Of(await BatonApi.JsonOf(first));
            var again = await api.RefreshAsync(acknowledged);
            Assert.Equal(BatonApi.Claim(current.RefreshToken!, "jti"), BatonApi.Claim(again.RefreshToken!, "jti"));

            if (client.Acknowledged.Count > 1)
            {
                using var predecessor = await api.RefreshRawAsync(client.Acknowledged[^2]);
                await BatonApi.AssertProblemAsync(predecessor, HttpStatusCode.Unauthorized, "refresh_token_reused");
                using var afterReuse = await api.RefreshRawAsync(current.RefreshToken);
                await BatonApi.AssertProblemAsync(afterReuse, HttpStatusCode.Unauthorized, "session_ended", "reuse_detected");
            }
        }
    }

    private sealed class Client(string loginToken)
    {
        /// <summary>The login's refresh token, then every rotation the client received, in order.</summary>
        public List<string> Acknowledged { get; } = [loginToken];

        public ConcurrentQueue<HttpStatusCode> Answers { get; } = new();
    }
}
