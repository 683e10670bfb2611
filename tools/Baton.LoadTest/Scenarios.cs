using System.Diagnostics;
using System.Net;

namespace Baton.LoadTest;

/// <summary>The load settings every scenario shares.</summary>
internal sealed record LoadSettings(IReadOnlyList<Uri> Urls, string ApiKey, int Users, int Concurrency, TimeSpan Duration, TimeSpan Warmup, long MaxRequests, int StormSize, string Password);

/// <summary>A virtual user: a session and its current token pair.</summary>
internal sealed class VirtualUser(string userId, string access, string refresh)
{
    public string UserId { get; } = userId;

    public string Access { get; set; } = access;

    public string Refresh { get; set; } = refresh;

    public SemaphoreSlim Gate { get; } = new(1, 1);
}

/// <summary>The scenarios: each drives the nodes, records latencies and errors, and checks the invariants it can see.</summary>
internal sealed class Scenarios(BatonClient client, LoadSettings settings, Action<string> progress)
{
    private readonly string _run = Guid.NewGuid().ToString("N")[..8];
    private int _registrations;

    /// <summary>Starts one session per user through the trusted-backend endpoint (no password hashing).</summary>
    public async Task<VirtualUser[]> SeedSessionsAsync(int count, string prefix)
    {
        var users = new VirtualUser[count];
        var seeded = 0;
        await Parallel.ForAsync(0, count, new ParallelOptions { MaxDegreeOfParallelism = settings.Concurrency }, async (i, _) =>
        {
            var reply = await client.IssueSessionAsync(i, $"{prefix}-{_run}-{i}", "load");
            if (!reply.IsOk)
            {
                throw new InvalidOperationException($"Seeding failed: {(int)reply.Status} {reply.Code}. Is the API key ({settings.ApiKey}) configured with sessions:issue?");
            }

            users[i] = new VirtualUser($"{prefix}-{_run}-{i}", reply.Get("access_token"), reply.Get("refresh_token"));
            if (Interlocked.Increment(ref seeded) % 500 == 0)
            {
                progress($"seeded {seeded}/{count} sessions");
            }
        });
        return users;
    }

    public async Task<ScenarioResult> RefreshAsync(VirtualUser[] users, string name = "refresh")
    {
        var recorder = new Recorder(name);
        await RunAsync(recorder, async (r, seq) =>
        {
            var user = users[seq % users.Length];
            await user.Gate.WaitAsync();
            try
            {
                var reply = await client.RefreshAsync((int)(seq % client.NodeCount), user.Refresh);
                reply.Record(r);
                if (reply.IsOk)
                {
                    user.Refresh = reply.Get("refresh_token");
                    user.Access = reply.Get("access_token");
                }
                else if (reply.Code is "session_ended" or "refresh_token_reused" or "invalid_token")
                {
                    r.Violation("current_token_refused"); // a committed rotation was lost or two successors exist
                }
            }
            finally
            {
                user.Gate.Release();
            }
        });
        return recorder.Result();
    }

    public async Task<ScenarioResult> ValidateAsync(VirtualUser[] users)
    {
        var recorder = new Recorder("validate");
        await RunAsync(recorder, async (r, seq) =>
        {
            var user = users[seq % users.Length];
            var reply = await client.MeAsync((int)(seq % client.NodeCount), user.Access);
            reply.Record(r);
            if (reply.Status == HttpStatusCode.Unauthorized && reply.Code != "token_expired")
            {
                r.Violation("live_session_refused");
            }
        });
        return recorder.Result();
    }

    /// <summary>Password users log in again and again from one device (each login replaces the previous session).</summary>
    public async Task<ScenarioResult> LoginAsync(int passwordUsers)
    {
        var names = await RegisterAsync(passwordUsers);
        var recorder = new Recorder("login");
        await RunAsync(recorder, async (r, seq) =>
        {
            var reply = await client.LoginAsync((int)(seq % client.NodeCount), names[seq % names.Length], settings.Password, "device-1");
            reply.Record(r);
        });
        return recorder.Result();
    }

    /// <summary>80% validations, 15% refreshes, 5% logins: a browser-heavy day.</summary>
    public async Task<ScenarioResult> MixedAsync(VirtualUser[] users, int passwordUsers)
    {
        var names = await RegisterAsync(passwordUsers);
        var recorder = new Recorder("mixed");
        await RunAsync(recorder, async (r, seq) =>
        {
            var node = (int)(seq % client.NodeCount);
            var roll = seq % 20;
            if (roll == 0)
            {
                (await client.LoginAsync(node, names[seq % names.Length], settings.Password, "device-1")).Record(r);
                return;
            }

            var user = users[seq % users.Length];
            if (roll <= 3 && await user.Gate.WaitAsync(0))
            {
                try
                {
                    var reply = await client.RefreshAsync(node, user.Refresh);
                    reply.Record(r);
                    if (reply.IsOk)
                    {
                        user.Refresh = reply.Get("refresh_token");
                        user.Access = reply.Get("access_token");
                    }
                }
                finally
                {
                    user.Gate.Release();
                }

                return;
            }

            (await client.MeAsync(node, user.Access)).Record(r);
        });
        return recorder.Result();
    }

    /// <summary>Per user, <see cref="LoadSettings.StormSize"/> concurrent refreshes with one token over every node: one new generation.</summary>
    public async Task<ScenarioResult> StormAsync(VirtualUser[] users)
    {
        var recorder = new Recorder("refresh-storm");
        recorder.Start();
        var deadline = DateTime.UtcNow + settings.Duration;
        await Parallel.ForEachAsync(users, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, settings.Concurrency / settings.StormSize) }, async (user, _) =>
        {
            if (DateTime.UtcNow > deadline)
            {
                return;
            }

            var replies = await Task.WhenAll(Enumerable.Range(0, settings.StormSize).Select(i => client.RefreshAsync(i, user.Refresh)));
            foreach (var reply in replies)
            {
                reply.Record(recorder);
            }

            var successors = replies.Where(r => r.IsOk).Select(r => r.Get("refresh_token")).Select(Jti).Distinct().Count();
            if (successors > 1)
            {
                recorder.Violation("two_live_successors");
            }

            if (replies.Any(r => !r.IsOk && r.Status != HttpStatusCode.ServiceUnavailable))
            {
                recorder.Violation("storm_refused");
            }
        });
        recorder.Stop();
        return recorder.Result();
    }

    /// <summary>
    /// Kick through one front, then the time until every other front refuses the access token:
    /// with several <c>--url</c>, the kick and the checks always go to different URLs (the same
    /// URL given twice counts once), the kicking front taking turns.
    /// </summary>
    public async Task<ScenarioResult> KickAsync(int kicks)
    {
        var recorder = new Recorder("kick-propagation");
        var fronts = Enumerable.Range(0, client.NodeCount).DistinctBy(n => client.Node(n).BaseAddress).ToArray();
        progress(fronts.Length > 1
            ? $"kick: through one of {fronts.Length} fronts, refusal timed on each of the others"
            : "kick: one front, so the kick and the check go to the same URL (give several --url to time it across fronts)");
        var users = await SeedSessionsAsync(kicks, "kick");
        recorder.Start();
        for (var i = 0; i < users.Length; i++)
        {
            var user = users[i];
            foreach (var front in fronts)
            {
                await client.MeAsync(front, user.Access); // every front has the ledger cached as current
            }

            var kicker = fronts[i % fronts.Length];
            var kick = await client.KickAsync(kicker, user.UserId);
            if (!kick.IsOk)
            {
                recorder.Error(kick.Code, kick.Milliseconds);
                continue;
            }

            var committed = Stopwatch.GetTimestamp();
            var checkers = fronts.Length == 1 ? fronts : fronts.Where(n => n != kicker);
            await Task.WhenAll(checkers.Select(async front =>
            {
                while (true)
                {
                    var reply = await client.MeAsync(front, user.Access);
                    var since = Stopwatch.GetElapsedTime(committed).TotalMilliseconds;
                    if (reply.Status == HttpStatusCode.Unauthorized)
                    {
                        recorder.Success(since);
                        return;
                    }

                    if (since > 1000)
                    {
                        recorder.Violation("kicked_token_accepted_after_1s");
                        return;
                    }
                }
            }));
        }

        recorder.Stop();
        var result = recorder.Result(new Dictionary<string, double> { ["propagation_samples"] = recorder.Ok, ["fronts"] = fronts.Length });
        progress($"kick propagation{(fronts.Length > 1 ? " across fronts" : " on one front")}: p50 {result.P50Ms:F2} ms, p99 {result.P99Ms:F2} ms over {recorder.Ok} refusals");
        return result;
    }

    private async Task<string[]> RegisterAsync(int count)
    {
        var batch = Interlocked.Increment(ref _registrations);
        var names = Enumerable.Range(0, count).Select(i => $"lt-{_run}-{batch}-{i}").ToArray();
        progress($"registering {count} password users (each costs one password hash)");
        await Parallel.ForEachAsync(names, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (name, _) =>
        {
            var reply = await client.RegisterAsync(0, name, settings.Password);
            if (!reply.IsOk)
            {
                throw new InvalidOperationException($"Registration failed: {(int)reply.Status} {reply.Code}. Registration and rate limits must allow it.");
            }
        });
        return names;
    }

    /// <summary>
    /// Runs virtual users for the warm-up (recorded apart, so a fresh node's JIT and pools do not
    /// count; only its invariant violations carry over), then until the duration or the request
    /// budget is spent, with the CPU each process group used in that time.
    /// </summary>
    public async Task RunAsync(Recorder recorder, Func<Recorder, long, Task> operation)
    {
        long sequence = -1;
        if (settings.Warmup > TimeSpan.Zero)
        {
            var warmup = new Recorder(recorder.Name + " (warm-up)");
            await DriveAsync(warmup, operation, settings.Warmup, () => Interlocked.Increment(ref sequence));
            recorder.AddViolations(warmup);
        }

        var cpu = CpuMeter.Snapshot();
        await DriveAsync(recorder, operation, settings.Duration, () => Interlocked.Increment(ref sequence));
        recorder.Cpu = CpuMeter.PerOperation(cpu, CpuMeter.Snapshot(), recorder.Ok + recorder.Errors);
    }

    private async Task DriveAsync(Recorder recorder, Func<Recorder, long, Task> operation, TimeSpan duration, Func<long> next)
    {
        long started = 0;
        var deadline = Stopwatch.GetTimestamp() + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        recorder.Start();
        var reporter = Task.Run(async () =>
        {
            while (Stopwatch.GetTimestamp() < deadline && Interlocked.Read(ref started) < settings.MaxRequests)
            {
                await Task.Delay(1000);
                progress($"{recorder.Name}: {recorder.Ok} ok, {recorder.Errors} errors");
            }
        });
        await Task.WhenAll(Enumerable.Range(0, settings.Concurrency).Select(_ => Task.Run(async () =>
        {
            while (Stopwatch.GetTimestamp() < deadline && Interlocked.Increment(ref started) <= settings.MaxRequests)
            {
                await operation(recorder, next());
            }
        })));
        recorder.Stop();
        await reporter;
    }

    private static string Jti(string jwt) =>
        System.Text.Json.JsonDocument.Parse(System.Buffers.Text.Base64Url.DecodeFromChars(jwt.Split('.')[1])).RootElement.GetProperty("jti").GetString()!;
}
