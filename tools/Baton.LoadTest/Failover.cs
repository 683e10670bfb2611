using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;

namespace Baton.LoadTest;

/// <summary>
/// The failover scenario (SECURITY.md 39): refreshes of every virtual user while one silo is
/// SIGKILLed a third of the way in. It reports every answer by class, the invariants a client can
/// see (its newest token always works: no acknowledged rotation lost, no two successors), and the
/// recovery time of the users the kill hit: those whose grain was on the killed silo, seen as a
/// refresh that failed or took over <see cref="Slow"/> after the kill. A user's recovery is the time
/// from the kill until a refresh of theirs that started after it succeeded. (Users elsewhere are not
/// counted: in a closed loop their next refresh also waits while the virtual clients are held by
/// the hit users' calls, which measures the load tool, not Baton.)
/// </summary>
internal sealed class Failover(BatonClient client, LoadSettings settings, Action<string> progress)
{
    private static readonly TimeSpan Slow = TimeSpan.FromSeconds(1);

    /// <summary>Refuses to kill anything but a Baton silo (or a front co-hosting one) of this machine.</summary>
    public static string? Refusal(int pid)
    {
        try
        {
            var commandLine = File.ReadAllText($"/proc/{pid}/cmdline").Replace('\0', ' ');
            return commandLine.Contains("Baton.Silo", StringComparison.Ordinal) || commandLine.Contains("Baton.Api", StringComparison.Ordinal)
                ? null
                : $"process {pid} is not a Baton silo ({commandLine.Trim()}).";
        }
        catch (IOException)
        {
            return $"no process {pid} on this machine.";
        }
    }

    public async Task<ScenarioResult> RunAsync(VirtualUser[] users, int siloPid)
    {
        var recorder = new Recorder("failover");
        var recovered = new ConcurrentDictionary<string, double>(StringComparer.Ordinal);
        var hitUsers = new ConcurrentDictionary<string, byte>(StringComparer.Ordinal);
        var failed = 0L;
        long killedAt = 0;
        long sequence = -1;

        async Task Refresh(long seq)
        {
            var user = users[seq % users.Length];
            if (!await user.Gate.WaitAsync(0))
            {
                return; // another virtual client is refreshing this user; pick the next one
            }

            try
            {
                var started = Stopwatch.GetTimestamp();
                var reply = await client.RefreshAsync((int)(seq % client.NodeCount), user.Refresh);
                var kill = Interlocked.Read(ref killedAt);
                if (kill != 0 && (!reply.IsOk || reply.Milliseconds > Slow.TotalMilliseconds))
                {
                    hitUsers.TryAdd(user.UserId, 0);
                }

                if (reply.IsOk)
                {
                    recorder.Success(reply.Milliseconds);
                    user.Refresh = reply.Get("refresh_token");
                    user.Access = reply.Get("access_token");
                    if (kill != 0 && started > kill)
                    {
                        recovered.TryAdd(user.UserId, Stopwatch.GetElapsedTime(kill).TotalMilliseconds);
                    }

                    return;
                }

                recorder.Error(Class(reply), reply.Milliseconds);
                Interlocked.Increment(ref failed);

                if (reply.Status == HttpStatusCode.Unauthorized)
                {
                    recorder.Violation("current_token_refused"); // an acknowledged rotation was lost, or two successors exist
                }
                else if (reply.Status != HttpStatusCode.ServiceUnavailable || !reply.HasRetryAfter)
                {
                    recorder.Violation("answer_other_than_200_401_503_with_retry_after");
                }
            }
            finally
            {
                user.Gate.Release();
            }
        }

        var killer = Task.Run(async () =>
        {
            await Task.Delay(settings.Duration / 3);
            Process.GetProcessById(siloPid).Kill();
            Interlocked.Exchange(ref killedAt, Stopwatch.GetTimestamp());
            progress($"failover: SIGKILLed silo pid {siloPid.ToString(CultureInfo.InvariantCulture)}");
        });

        recorder.Start();
        var deadline = Stopwatch.GetTimestamp() + (long)(settings.Duration.TotalSeconds * Stopwatch.Frequency);
        await Task.WhenAll(Enumerable.Range(0, settings.Concurrency).Select(_ => Task.Run(async () =>
        {
            while (Stopwatch.GetTimestamp() < deadline)
            {
                await Refresh(Interlocked.Increment(ref sequence));
            }
        })));
        recorder.Stop();
        await killer;

        var times = hitUsers.Keys.Select(u => recovered.TryGetValue(u, out var ms) ? ms : double.PositiveInfinity).Order().ToArray();
        double P(double p) => times.Length == 0 ? double.NaN : times[Math.Min(times.Length - 1, (int)Math.Ceiling(p * times.Length) - 1)];
        var neverRecovered = hitUsers.Keys.Count(u => !recovered.ContainsKey(u));
        if (neverRecovered > 0)
        {
            recorder.Violation("users_not_recovered_by_the_end");
        }

        var result = recorder.Result(new Dictionary<string, double>
        {
            ["recovery_p50_ms"] = P(0.50),
            ["recovery_p99_ms"] = P(0.99),
            ["recovery_max_ms"] = times.Length == 0 ? double.NaN : times[^1],
            ["users"] = users.Length,
            ["users_hit"] = hitUsers.Count,
            ["failed_refreshes"] = Interlocked.Read(ref failed),
            ["users_not_recovered"] = neverRecovered,
        });
        progress($"failover: {hitUsers.Count} of {users.Length} users were hit (a refresh failed or took over {Slow.TotalSeconds:F0} s after the kill); they refreshed again after " +
            $"p50 {P(0.50):F0} ms, p99 {P(0.99):F0} ms, max {result.Extra["recovery_max_ms"]:F0} ms; answers other than 200: {(result.ErrorsByCode.Count == 0 ? "none" : string.Join(", ", result.ErrorsByCode.Select(e => $"{e.Key} x{e.Value}")))}");
        return result;
    }

    /// <summary>An answer's class: a 503 says whether it carried <c>Retry-After</c>.</summary>
    private static string Class(Reply reply) => reply.Status switch
    {
        HttpStatusCode.ServiceUnavailable => reply.HasRetryAfter ? "503_with_retry_after" : "503_without_retry_after",
        0 => "connection_failed",
        _ => $"{(int)reply.Status}_{reply.Code}",
    };
}
