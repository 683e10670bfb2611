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
    /// <summary>A minimal-API endpoint hosted in this process, driven exactly like Baton's protected endpoint.</summary>
    public static async Task<ScenarioResult> BareEndpointAsync(LoadSettings settings)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        await using var app = builder.Build();
        app.MapGet("/v1/me", () => Results.Ok(new { id = "user", username = "user", roles = Array.Empty<string>(), session_id = "session" }));
        await app.StartAsync();
        var url = new Uri(app.Urls.First());
        using var client = new BatonClient([url], null);
        var recorder = new Recorder("bare-endpoint");
        long sequence = -1;
        var deadline = Stopwatch.GetTimestamp() + (long)(settings.Duration.TotalSeconds * Stopwatch.Frequency);
        recorder.Start();
        await Task.WhenAll(Enumerable.Range(0, settings.Concurrency).Select(_ => Task.Run(async () =>
        {
            while (Stopwatch.GetTimestamp() < deadline && Interlocked.Increment(ref sequence) < settings.MaxRequests)
            {
                (await client.MeAsync(0, "not-checked")).Record(recorder);
            }
        })));
        recorder.Stop();
        await app.StopAsync();
        return recorder.Result();
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
    /// pgbench with the shape of a rotation: one single-row UPDATE of a ledger-sized row by primary
    /// key, on a table like Baton's, with the same client concurrency.
    /// </summary>
    public static async Task<double> PgbenchAsync(string connectionString, int rows, int clients, TimeSpan duration)
    {
        await using (var connection = new NpgsqlConnection(connectionString))
        {
            await connection.OpenAsync();
            await using var setup = new NpgsqlCommand($"""
                DROP TABLE IF EXISTS loadtest_ledgers;
                CREATE TABLE loadtest_ledgers (user_id text PRIMARY KEY, version bigint NOT NULL, document bytea NOT NULL, expires_at timestamptz NOT NULL) WITH (fillfactor = 70);
                INSERT INTO loadtest_ledgers SELECT 'u' || i, 1, decode(repeat('ab', 400), 'hex'), now() FROM generate_series(1, {rows}) AS i;
                """, connection);
            setup.CommandTimeout = 600;
            await setup.ExecuteNonQueryAsync();
            await using var vacuum = new NpgsqlCommand("VACUUM ANALYZE loadtest_ledgers", connection); // not allowed in a multi-statement batch
            await vacuum.ExecuteNonQueryAsync();
        }

        var script = Path.Combine(Path.GetTempPath(), $"baton-pgbench-{Environment.ProcessId}.sql");
        await File.WriteAllTextAsync(script, $"""
            \set id random(1, {rows})
            UPDATE loadtest_ledgers SET version = version + 1, document = document, expires_at = now() WHERE user_id = 'u' || :id;
            """);
        var settings = new NpgsqlConnectionStringBuilder(connectionString);
        var start = new ProcessStartInfo("pgbench",
            ["-n", "-c", clients.ToString(System.Globalization.CultureInfo.InvariantCulture), "-j", "2", "-T", ((int)duration.TotalSeconds).ToString(System.Globalization.CultureInfo.InvariantCulture),
             "-f", script, "-h", settings.Host!, "-p", settings.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "-U", settings.Username!, settings.Database!])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var pgbench = Process.Start(start) ?? throw new InvalidOperationException("pgbench could not start.");
        var output = await pgbench.StandardOutput.ReadToEndAsync();
        await pgbench.WaitForExitAsync();
        File.Delete(script);
        var match = Tps().Match(output);
        return match.Success ? double.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture)
            : throw new InvalidOperationException("pgbench printed no tps: " + output + await pgbench.StandardError.ReadToEndAsync());
    }

    [GeneratedRegex(@"tps = ([0-9.]+) \(without initial connection time\)")]
    private static partial Regex Tps();
}
