using System.Diagnostics;
using System.Security.Cryptography;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Identity;
using Npgsql;

namespace Baton.LoadTest;

/// <summary>
/// The ceilings measured in the same run, so every Baton figure is a ratio on this noisy machine:
/// a bare HTTP endpoint, raw crypto, raw password hashing, and pgbench running the single-row
/// UPDATE a rotation does.
/// </summary>
internal static partial class Baselines
{
    /// <summary>The hidden command that runs the bare endpoint in a process of its own.</summary>
    public const string ServeBareCommand = "serve-bare-endpoint";

    /// <summary>
    /// A minimal-API endpoint answering what Baton's <c>GET /v1/me</c> answers, in a process of
    /// its own (as Baton is: sharing this client's thread pool would flatter the comparison), driven
    /// exactly like the validate scenario, warm-up included.
    /// </summary>
    public static async Task<ScenarioResult> BareEndpointAsync(LoadSettings settings, Action<string> progress)
    {
        var entry = System.Reflection.Assembly.GetEntryAssembly()!.Location;
        var host = Environment.ProcessPath!;
        var start = new ProcessStartInfo(host) { RedirectStandardInput = true, RedirectStandardOutput = true };
        if (Path.GetFileNameWithoutExtension(host) == "dotnet")
        {
            start.ArgumentList.Add(entry); // started as "dotnet Baton.LoadTest.dll"
        }

        start.ArgumentList.Add(ServeBareCommand);
        using var server = Process.Start(start) ?? throw new InvalidOperationException("The bare endpoint's process did not start.");
        try
        {
            var url = new Uri(await server.StandardOutput.ReadLineAsync() ?? throw new InvalidOperationException("The bare endpoint printed no address."));
            using var client = new BatonClient([url], null);
            var recorder = new Recorder("bare-endpoint");
            await new Scenarios(client, settings, progress).RunAsync(recorder, async (r, _) => (await client.MeAsync(0, "not-checked")).Record(r));
            return recorder.Result();
        }
        finally
        {
            server.StandardInput.Close(); // the server stops when its input ends
            if (!server.WaitForExit(5000))
            {
                server.Kill();
            }
        }
    }

    /// <summary>The bare endpoint's process: prints its address, serves until its input ends.</summary>
    public static async Task<int> ServeBareEndpointAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        await using var app = builder.Build();
        app.MapGet("/v1/me", () => Results.Ok(new { id = "user", username = "user", roles = Array.Empty<string>(), session_id = "session" }));
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

    /// <summary>
    /// pgbench with the shape of a rotation's write, prepared as Baton's statements are, on a
    /// table like Baton's (same columns, fill factor and indexes, a ledger-sized document), with
    /// the same client concurrency: <c>single_row_update</c> is the UPDATE by primary key alone
    /// (leaving the indexed expiry as a rotation within the hour does); <c>rotation_statement</c>
    /// adds the audit row Baton writes in the same statement.
    /// </summary>
    public static async Task<Dictionary<string, double>> PgbenchAsync(string connectionString, int rows, int clients, TimeSpan duration)
    {
        await using (var connection = new NpgsqlConnection(connectionString))
        {
            await connection.OpenAsync();
            await using var setup = new NpgsqlCommand($"""
                DROP TABLE IF EXISTS loadtest_ledgers, loadtest_audit;
                CREATE TABLE loadtest_ledgers (user_id text PRIMARY KEY, version bigint NOT NULL, document bytea NOT NULL, expires_at timestamptz NOT NULL) WITH (fillfactor = 70);
                CREATE INDEX loadtest_ledgers_expires_at ON loadtest_ledgers (expires_at);
                INSERT INTO loadtest_ledgers SELECT 'user-' || i, 1, decode(repeat('ab', 400), 'hex'), date_trunc('hour', now()) + interval '31 days' FROM generate_series(1, {rows}) AS i;
                CREATE TABLE loadtest_audit (LIKE audit_events INCLUDING ALL);
                """, connection);
            setup.CommandTimeout = 600;
            await setup.ExecuteNonQueryAsync();
            await using var vacuum = new NpgsqlCommand("VACUUM ANALYZE loadtest_ledgers", connection); // not allowed in a multi-statement batch
            await vacuum.ExecuteNonQueryAsync();
        }

        const string update = "UPDATE loadtest_ledgers SET version = version + 1, document = document, expires_at = expires_at WHERE user_id = 'user-' || :id";
        var results = new Dictionary<string, double>
        {
            ["pgbench_single_row_update_tps"] = await RunPgbenchAsync(connectionString, clients, duration, $"""
                \set id random(1, {rows})
                {update};
                """),
            ["pgbench_rotation_statement_tps"] = await RunPgbenchAsync(connectionString, clients, duration, $"""
                \set id random(1, {rows})
                WITH saved AS ({update} RETURNING user_id), audit AS (INSERT INTO loadtest_audit (user_id, kind, session_id, generation, reason, ip, user_agent, node, at) SELECT user_id, 'TokenRotated', 'AAAAAAAAAAAAAAAAAAAAAA', 2, NULL, '127.0.0.1', 'load', 'node-1', now() FROM saved) SELECT 1 FROM saved;
                """),
        };
        await using (var connection = new NpgsqlConnection(connectionString))
        {
            await connection.OpenAsync();
            await using var drop = new NpgsqlCommand("DROP TABLE loadtest_ledgers, loadtest_audit", connection);
            await drop.ExecuteNonQueryAsync();
        }

        return results;
    }

    private static async Task<double> RunPgbenchAsync(string connectionString, int clients, TimeSpan duration, string script)
    {
        var file = Path.Combine(Path.GetTempPath(), $"baton-pgbench-{Environment.ProcessId}.sql");
        await File.WriteAllTextAsync(file, script);
        var settings = new NpgsqlConnectionStringBuilder(connectionString);
        var invariant = System.Globalization.CultureInfo.InvariantCulture;
        var start = new ProcessStartInfo("pgbench",
            ["-n", "-M", "prepared", "-c", clients.ToString(invariant), "-j", "2", "-T", ((int)duration.TotalSeconds).ToString(invariant),
             "-f", file, "-h", settings.Host!, "-p", settings.Port.ToString(invariant), "-U", settings.Username!, settings.Database!])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var pgbench = Process.Start(start) ?? throw new InvalidOperationException("pgbench could not start.");
        var output = await pgbench.StandardOutput.ReadToEndAsync();
        var errors = await pgbench.StandardError.ReadToEndAsync();
        await pgbench.WaitForExitAsync();
        File.Delete(file);
        var match = Tps().Match(output);
        return match.Success ? double.Parse(match.Groups[1].Value, invariant)
            : throw new InvalidOperationException("pgbench printed no tps: " + output + errors);
    }

    [GeneratedRegex(@"tps = ([0-9.]+) \(without initial connection time\)")]
    private static partial Regex Tps();
}
