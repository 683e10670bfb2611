using System.Diagnostics;
using System.Globalization;
using System.Net;
using StackExchange.Redis;

namespace Baton.LoadTest;

/// <summary>
/// What the Redis server itself can do at the tool's concurrency, measured by Debian's
/// <c>redis-benchmark</c> (package redis-tools) in the same run: a plain <c>SET</c> of a
/// ledger-sized value, and <see cref="RedisEtagWrite"/>'s script by <c>EVALSHA</c> on keys whose
/// etag matches, so every call takes the write branch as a grain state write does. The request
/// count is sized by a short first pass so each measured pass lasts a few seconds.
/// </summary>
internal static class RedisBenchmark
{
    public const string SetScenario = "redis-benchmark-set";
    public const string EtagWriteScenario = "redis-benchmark-etag-write";

    private const long CalibrationRequests = 20_000;

    /// <summary>The two results, or none (with a line saying why) when redis-benchmark is not installed.</summary>
    public static async Task<IReadOnlyList<ScenarioResult>> RunAsync(DnsEndPoint endpoint, LoadSettings settings, Action<string> progress)
    {
        if (Executable() is not { } benchmark)
        {
            progress("redis-benchmark baselines skipped: redis-benchmark is not on PATH (Debian: apt-get install redis-tools)");
            return [];
        }

        await using var redis = await RedisEtagWrite.ConnectAsync(endpoint);
        var db = redis.GetDatabase();
        var sha = Convert.ToHexStringLower(await RedisEtagWrite.LoadAsync(redis));
        var prefix = $"baton-bench-{Environment.ProcessId}:";
        var keys = Math.Max(1, settings.Users);
        var etag = Guid.NewGuid().ToString("N");
        RedisKey EtagKey(int i) => $"{prefix}etag:{i:D12}"; // redis-benchmark writes __rand_int__ as 12 digits
        await Task.WhenAll(Enumerable.Range(0, keys).Select(i => db.HashSetAsync(EtagKey(i), [new("etag", etag), new("data", "")])));
        try
        {
            var seconds = Math.Clamp(settings.Duration.TotalSeconds, 1, 5);
            var set = await MeasureAsync(benchmark, endpoint, settings, keys, seconds, SetScenario, progress,
                ["SET", prefix + "set:__rand_int__", RedisEtagWrite.Ledger]);
            var write = await MeasureAsync(benchmark, endpoint, settings, keys, seconds, EtagWriteScenario, progress,
                ["EVALSHA", sha, "1", prefix + "etag:__rand_int__", etag, etag, RedisEtagWrite.Ledger, RedisEtagWrite.NoExpiry]);
            var written = (await Task.WhenAll(Enumerable.Range(0, keys).Select(i => db.HashStringLengthAsync(EtagKey(i), "data")))).Count(length => length > 0);
            if (written == 0 && write.Ok > 0)
            {
                write.Violations["etag_script_wrote_nothing"] = 1; // it answered, but took the stale branch
            }

            return [set, write];
        }
        finally
        {
            foreach (var chunk in Enumerable.Range(0, keys).Chunk(1000))
            {
                await db.KeyDeleteAsync([.. chunk.Select(EtagKey), .. chunk.Select(i => (RedisKey)$"{prefix}set:{i:D12}")]);
            }
        }
    }

    /// <summary>A short pass to learn the rate, then one sized to last about <paramref name="seconds"/>.</summary>
    private static async Task<ScenarioResult> MeasureAsync(string benchmark, DnsEndPoint endpoint, LoadSettings settings, int keys, double seconds, string name, Action<string> progress, string[] command)
    {
        var first = await RunOnceAsync(benchmark, endpoint, settings.Concurrency, Math.Min(CalibrationRequests, settings.MaxRequests), keys, command);
        if (first.PerSecond <= 0)
        {
            return Failed(name, first.Output);
        }

        var requests = (long)Math.Clamp(first.PerSecond * seconds, CalibrationRequests, settings.MaxRequests);
        progress($"{name}: {requests:N0} requests at {settings.Concurrency} connections");
        var measured = await RunOnceAsync(benchmark, endpoint, settings.Concurrency, requests, keys, command);
        return measured.PerSecond <= 0
            ? Failed(name, measured.Output)
            : new ScenarioResult(name, requests, 0, requests / measured.PerSecond, measured.PerSecond, measured.P50, measured.P95, measured.P99, measured.Max,
                new(StringComparer.Ordinal), new(StringComparer.Ordinal), new() { ["requests"] = requests });
    }

    private static ScenarioResult Failed(string name, string output)
    {
        var line = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault(l => !l.StartsWith('"')) ?? "no result";
        return new ScenarioResult(name, 0, 1, 0, 0, 0, 0, 0, 0, new(StringComparer.Ordinal) { [line] = 1 }, new(StringComparer.Ordinal), []);
    }

    /// <summary>One <c>redis-benchmark --csv</c> pass: its rate and latencies (rate 0 when it failed).</summary>
    private static async Task<(double PerSecond, double P50, double P95, double P99, double Max, string Output)> RunOnceAsync(
        string benchmark, DnsEndPoint endpoint, int connections, long requests, int keys, string[] command)
    {
        var start = new ProcessStartInfo(benchmark) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in (string[])["-h", endpoint.Host, "-p", $"{endpoint.Port}", "-c", $"{connections}", "-n", $"{requests}", "-r", $"{keys}", "--csv", .. command])
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("redis-benchmark did not start.");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        var text = await output + await error;

        // "test","rps","avg_latency_ms","min_latency_ms","p50_latency_ms","p95_latency_ms","p99_latency_ms","max_latency_ms"
        var row = text.Split('\n', StringSplitOptions.TrimEntries).Where(l => l.StartsWith('"') && !l.StartsWith("\"test\"", StringComparison.Ordinal)).LastOrDefault();
        var fields = row?.Split("\",\"").Select(f => f.Trim('"')).ToArray();
        if (process.ExitCode != 0 || text.Contains("Error from server", StringComparison.Ordinal) || fields is not { Length: 8 })
        {
            return (0, 0, 0, 0, 0, text);
        }

        double F(int i) => double.Parse(fields[i], CultureInfo.InvariantCulture);
        return (F(1), F(4), F(5), F(6), F(7), text);
    }

    private static string? Executable() =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(directory => Path.Combine(directory, "redis-benchmark"))
            .FirstOrDefault(File.Exists);
}
