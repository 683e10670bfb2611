using System.Diagnostics;
using System.Net;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.AspNetCore.Identity;

namespace Baton.LoadTest;

/// <summary>
/// The ceilings measured in the same run, so every Baton figure is a ratio on this noisy machine:
/// a bare HTTP endpoint, a bare refresh (<see cref="BareRefresh"/>), raw crypto and raw password hashing.
/// </summary>
internal static class Baselines
{
    /// <summary>The hidden command that runs the bare endpoint in a process of its own.</summary>
    public const string ServeBareCommand = "serve-bare-endpoint";

    /// <summary>The hidden command's option naming the Redis of the bare refresh's writes (SQLite without it).</summary>
    public const string ServeBareRedisOption = "--redis";

    /// <summary>What the bare refresh writes to, for the report.</summary>
    public static string BareRefreshBackend(DnsEndPoint? redis) => redis is null
        ? "SQLite file (WAL, synchronous=FULL, group commit)"
        : $"Redis {RedisEtagWrite.Name(redis)} (one EVALSHA ETag write, Orleans' script)";

    /// <summary>
    /// A minimal-API endpoint answering what Baton's <c>GET /v1/me</c> answers, and one doing the
    /// least a durable refresh does (<see cref="BareRefresh"/>), in a process of their own (as Baton
    /// is: sharing this client's thread pool would flatter the comparison), driven exactly like the
    /// validate and refresh scenarios, warm-up included. The bare refresh writes to
    /// <paramref name="redis"/> when given, else to a SQLite file.
    /// </summary>
    public static async Task<(ScenarioResult Bare, ScenarioResult BareRefresh)> BareEndpointAsync(LoadSettings settings, DnsEndPoint? redis, Action<string> progress)
    {
        var entry = System.Reflection.Assembly.GetEntryAssembly()!.Location;
        var host = Environment.ProcessPath!;
        var start = new ProcessStartInfo(host) { RedirectStandardInput = true, RedirectStandardOutput = true };
        if (Path.GetFileNameWithoutExtension(host) == "dotnet")
        {
            start.ArgumentList.Add(entry); // started as "dotnet Baton.LoadTest.dll"
        }

        start.ArgumentList.Add(ServeBareCommand);
        if (redis is not null)
        {
            start.ArgumentList.Add(ServeBareRedisOption);
            start.ArgumentList.Add(RedisEtagWrite.Name(redis));
        }
        using var server = Process.Start(start) ?? throw new InvalidOperationException("The bare endpoint's process did not start.");
        CpuMeter.Track(server.Id, CpuMeter.BareEndpoint);
        try
        {
            var url = new Uri(await server.StandardOutput.ReadLineAsync() ?? throw new InvalidOperationException("The bare endpoint printed no address."));
            using var client = new BatonClient([url], null);
            var scenarios = new Scenarios(client, settings, progress);
            var bare = new Recorder("bare-endpoint");
            await scenarios.RunAsync(bare, async (r, _) => (await client.MeAsync(0, "not-checked")).Record(r));
            var tokens = Enumerable.Range(0, settings.Users).Select(BareRefresh.Token).ToArray();
            var refresh = new Recorder("bare-refresh");
            await scenarios.RunAsync(refresh, async (r, seq) => (await client.RefreshAsync(0, tokens[seq % tokens.Length])).Record(r));
            return (bare.Result(), refresh.Result());
        }
        finally
        {
            CpuMeter.Untrack(server.Id);
            server.StandardInput.Close(); // the server stops when its input ends
            if (!server.WaitForExit(5000))
            {
                server.Kill();
            }
        }
    }

    /// <summary>The bare endpoint's process: prints its address, serves until its input ends.</summary>
    public static async Task<int> ServeBareEndpointAsync(DnsEndPoint? redis)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        await using var app = builder.Build();
        await using var rotations = new BareRefresh(redis is null ? new SqliteLedgerWrites() : await RedisLedgerWrites.ConnectAsync(redis));
        app.MapGet("/v1/me", () => Results.Ok(new { id = "user", username = "user", roles = Array.Empty<string>(), session_id = "session" }));
        app.MapPost("/v1/auth/refresh", async (HttpRequest request) =>
        {
            using var body = await JsonDocument.ParseAsync(request.Body);
            return await rotations.RotateAsync(body.RootElement.GetProperty("refresh_token").GetString()!) is { } pair ? Results.Ok(pair) : Results.Unauthorized();
        });
        await app.StartAsync();
        Console.WriteLine(app.Urls.First());
        await Console.In.ReadToEndAsync();
        await app.StopAsync();
        return 0;
    }

    /// <summary>Operations per second on all cores for <paramref name="seconds"/>.</summary>
    public static double Rate(Action operation, double seconds)
    {
        long count = 0;
        var deadline = Stopwatch.GetTimestamp() + (long)(seconds * Stopwatch.Frequency);
        Parallel.For(0, Environment.ProcessorCount, _ =>
        {
            while (Stopwatch.GetTimestamp() < deadline)
            {
                operation();
                Interlocked.Increment(ref count);
            }
        });
        return count / seconds;
    }

    public static Dictionary<string, double> Crypto(double seconds)
    {
        using var ecdsa = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var data = RandomNumberGenerator.GetBytes(300);
        var signature = ecdsa.SignData(data, HashAlgorithmName.SHA256);
        var key = RandomNumberGenerator.GetBytes(32);
        return new Dictionary<string, double>
        {
            ["ecdsa_p256_verify_per_second"] = Rate(() => ecdsa.VerifyData(data, signature, HashAlgorithmName.SHA256), seconds),
            ["hmac_sha256_per_second"] = Rate(() => HMACSHA256.HashData(key, data), seconds),
        };
    }

    /// <summary>ASP.NET Core Identity's PBKDF2 verification at Baton's iteration count: the ceiling of logins.</summary>
    public static double PasswordVerifications(int iterations, double seconds)
    {
        var hasher = new PasswordHasher<object>(Microsoft.Extensions.Options.Options.Create(new PasswordHasherOptions { IterationCount = iterations }));
        var hash = hasher.HashPassword(new object(), "a long passphrase");
        return Rate(() => hasher.VerifyHashedPassword(new object(), hash, "a long passphrase"), seconds);
    }
}
