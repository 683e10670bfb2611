using System.CommandLine;
using System.Globalization;
using System.Net;
using System.Text.Json;
using Baton.LoadTest;
using Spectre.Console;
using StackExchange.Redis;

var urls = new Option<string[]>("--url") { Description = "A Baton base URL (repeat for several nodes or a proxy); loopback only.", Required = true, AllowMultipleArgumentsPerToken = true };
var scenario = new Option<string>("--scenario") { Description = "login, refresh, validate, mixed, storm, kick, or all (every one of these); failover (with --kill-pid) only when named.", DefaultValueFactory = _ => "all" };
var killPid = new Option<int?>("--kill-pid") { Description = "The failover scenario SIGKILLs this silo's process a third of the way in (scripts/cluster.sh writes .cluster/run/silo1.pid)." };
var users = new Option<int>("--users") { Description = "Virtual users (sessions seeded through POST /v1/sessions).", DefaultValueFactory = _ => 1000 };
var concurrency = new Option<int>("--concurrency") { Description = "Requests in flight.", DefaultValueFactory = _ => 64 };
var duration = new Option<int>("--duration") { Description = "Seconds per scenario.", DefaultValueFactory = _ => 15 };
var warmup = new Option<int>("--warmup") { Description = "Seconds each scenario runs unrecorded first (a fresh node is still compiling).", DefaultValueFactory = _ => 5 };
var maxRequests = new Option<long>("--max-requests") { Description = "Most requests per scenario.", DefaultValueFactory = _ => 2_000_000 };
var stormSize = new Option<int>("--storm-size") { Description = "Concurrent refreshes per user in the storm scenario.", DefaultValueFactory = _ => 10 };
var kicks = new Option<int>("--kicks") { Description = "Kicks measured in the kick scenario.", DefaultValueFactory = _ => 50 };
var apiKey = new Option<string>("--api-key") { Description = "API key with sessions:issue and sessions:admin.", DefaultValueFactory = _ => "load-test-key" };
var passwordUsers = new Option<int>("--password-users") { Description = "Registered users for the login scenario.", DefaultValueFactory = _ => 16 };
var iterations = new Option<int>("--password-iterations") { Description = "Baton's PBKDF2 iterations, for the hashing baseline.", DefaultValueFactory = _ => 210_000 };
var noBaselines = new Option<bool>("--no-baselines") { Description = "Skip the baselines." };
var protectedPath = new Option<string>("--protected-path") { Description = "The protected endpoint of the validate scenario.", DefaultValueFactory = _ => "/v1/me" };
var redis = new Option<string?>("--redis") { Description = "host:port of the Redis Baton stores in (loopback only): the bare refresh writes there, and redis-benchmark measures it. Without it the bare refresh writes to SQLite." };
var json = new Option<string?>("--json") { Description = "Also write the results as JSON to this file." };

var root = new RootCommand("Drives Baton with virtual users, checks its invariants, and reports each result as a ratio to a baseline measured in the same run.")
{
    urls, scenario, killPid, users, concurrency, duration, warmup, maxRequests, stormSize, kicks, apiKey, passwordUsers, iterations, noBaselines, protectedPath, redis, json,
};

root.SetAction(async (parse, cancellationToken) =>
{
    if (Console.IsOutputRedirected)
    {
        AnsiConsole.Profile.Width = 240; // a log file: keep each table row on one line
    }

    var targets = parse.GetValue(urls)!.Select(u => new Uri(u)).ToArray();
    if (targets.FirstOrDefault(u => !u.IsLoopback) is { } remote)
    {
        AnsiConsole.MarkupLineInterpolated(CultureInfo.InvariantCulture, $"[red]{remote} is not a loopback address; the load tool only drives servers on this machine.[/]");
        return 2;
    }

    DnsEndPoint? store = null;
    if (parse.GetValue(redis) is { } redisValue)
    {
        store = RedisEtagWrite.Loopback(redisValue);
        if (store is null)
        {
            AnsiConsole.MarkupLineInterpolated(CultureInfo.InvariantCulture, $"[red]--redis {redisValue} is not host:port on a loopback address; the load tool only measures servers on this machine.[/]");
            return 2;
        }

        try
        {
            await using var probe = await RedisEtagWrite.ConnectAsync(store);
        }
        catch (RedisConnectionException e)
        {
            AnsiConsole.MarkupLineInterpolated(CultureInfo.InvariantCulture, $"[red]--redis {redisValue}: no Redis answers there ({e.FailureType}).[/]");
            return 2;
        }
    }

    var settings = new LoadSettings(targets, parse.GetValue(apiKey)!, parse.GetValue(users), parse.GetValue(concurrency),
        TimeSpan.FromSeconds(parse.GetValue(duration)), TimeSpan.FromSeconds(parse.GetValue(warmup)), parse.GetValue(maxRequests), parse.GetValue(stormSize), "a long passphrase for load tests");
    var which = parse.GetValue(scenario)!;
    bool Runs(string name) => which == name || which == "all";
    void Progress(string message) => AnsiConsole.MarkupLineInterpolated(CultureInfo.InvariantCulture, $"[grey]{DateTime.Now:HH:mm:ss} {message}[/]");
    var results = new List<ScenarioResult>();
    var baselines = new Dictionary<string, double>();
    var backends = new Dictionary<string, string>(StringComparer.Ordinal); // baseline or scenario -> what it ran against

    using var client = new BatonClient(targets, settings.ApiKey) { ProtectedPath = parse.GetValue(protectedPath)! };
    var scenarios = new Scenarios(client, settings, Progress);
    AnsiConsole.MarkupLineInterpolated(CultureInfo.InvariantCulture, $"[bold]Baton load test[/]: {string.Join(", ", targets.Select(t => t.ToString()))}, {settings.Concurrency} in flight, {settings.Duration.TotalSeconds} s per scenario");
    var servers = CpuMeter.TrackServers(targets.Select(t => t.Port), CpuMeter.Baton);
    AnsiConsole.MarkupLineInterpolated(CultureInfo.InvariantCulture, $"[grey]CPU per operation counts the processes listening on those ports: {(servers.Count == 0 ? "none found (a container or another user's?)" : string.Join(", ", servers))}[/]");
    if (store is not null)
    {
        // Redis shares the cores too: a refresh's writes cost its CPU as well as Baton's.
        var redisServers = CpuMeter.TrackServers([store.Port], CpuMeter.Redis);
        AnsiConsole.MarkupLineInterpolated(CultureInfo.InvariantCulture, $"[grey]and Redis's CPU per operation, the process on port {store.Port}: {(redisServers.Count == 0 ? "not found" : string.Join(", ", redisServers))}[/]");
    }

    if (!parse.GetValue(noBaselines))
    {
        var refreshBackend = Baselines.BareRefreshBackend(store);
        AnsiConsole.MarkupLineInterpolated(CultureInfo.InvariantCulture, $"[grey]baselines: bare endpoint, bare refresh on {refreshBackend}, {(store is null ? "" : $"redis-benchmark on Redis {RedisEtagWrite.Name(store)}, ")}crypto, password hashing[/]");
        var (bare, bareRefresh) = await Baselines.BareEndpointAsync(settings, store, Progress);
        results.Add(bare);
        results.Add(bareRefresh);
        baselines["bare_endpoint_per_second"] = bare.PerSecond;
        backends["bare_endpoint_per_second"] = "none (answers from memory)";
        baselines["bare_refresh_per_second"] = bareRefresh.PerSecond;
        backends["bare_refresh_per_second"] = refreshBackend;
        if (store is not null)
        {
            foreach (var benchmark in await RedisBenchmark.RunAsync(store, settings, Progress))
            {
                results.Add(benchmark);
                var name = benchmark.Scenario.Replace("redis-benchmark-", "redis_", StringComparison.Ordinal).Replace('-', '_') + "_per_second";
                baselines[name] = benchmark.PerSecond;
                backends[name] = $"Redis {RedisEtagWrite.Name(store)} (redis-benchmark, {settings.Concurrency} connections)";
            }
        }

        foreach (var (name, value) in Baselines.Crypto(2))
        {
            baselines[name] = value;
            backends[name] = "in this process, all cores";
        }

        baselines["password_verify_per_second"] = Baselines.PasswordVerifications(parse.GetValue(iterations), 3);
        backends["password_verify_per_second"] = "in this process, all cores";
    }

    var seeded = Runs("refresh") || Runs("validate") || Runs("mixed") || Runs("storm")
        ? await scenarios.SeedSessionsAsync(settings.Users, "vu")
        : [];
    if (Runs("validate"))
    {
        results.Add(await scenarios.ValidateAsync(seeded));
    }

    if (Runs("refresh"))
    {
        results.Add(await scenarios.RefreshAsync(seeded));
    }

    if (Runs("mixed"))
    {
        results.Add(await scenarios.MixedAsync(seeded, parse.GetValue(passwordUsers)));
    }

    if (Runs("login"))
    {
        results.Add(await scenarios.LoginAsync(parse.GetValue(passwordUsers)));
    }

    if (Runs("storm"))
    {
        results.Add(await scenarios.StormAsync(await scenarios.SeedSessionsAsync(Math.Min(settings.Users, 200), "storm")));
    }

    if (Runs("kick"))
    {
        results.Add(await scenarios.KickAsync(parse.GetValue(kicks)));
    }

    if (which == "failover")
    {
        if (parse.GetValue(killPid) is not { } pid || Failover.Refusal(pid) is { } refusal)
        {
            AnsiConsole.MarkupLineInterpolated(CultureInfo.InvariantCulture, $"[red]failover needs --kill-pid with the pid of a Baton silo: {(parse.GetValue(killPid) is { } p ? Failover.Refusal(p) : "none given")}[/]");
            return 2;
        }

        results.Add(await new Failover(client, settings, Progress).RunAsync(await scenarios.SeedSessionsAsync(settings.Users, "failover"), pid));
    }

    var ratios = Report.Ratios(results, baselines, backends);
    Report.Print(results, baselines, backends, ratios);
    if (parse.GetValue(json) is { } path)
    {
        await File.WriteAllTextAsync(path, JsonSerializer.Serialize(new { date = DateTimeOffset.UtcNow, targets, settings.Concurrency, settings.Duration, results, baselines, baseline_backends = backends, ratios }, Report.Json), cancellationToken);
    }

    return results.Any(r => r.Violations.Count > 0) ? 1 : 0;
});

var serveRedis = new Option<string?>(Baselines.ServeBareRedisOption);
var serveBare = new Command(Baselines.ServeBareCommand, "Serves the bare baseline endpoint (started by the tool itself).") { Hidden = true };
serveBare.Options.Add(serveRedis);
serveBare.SetAction((parse, _) => Baselines.ServeBareEndpointAsync(parse.GetValue(serveRedis) is { } value ? RedisEtagWrite.Loopback(value) : null));
root.Subcommands.Add(serveBare);

return await root.Parse(args).InvokeAsync();
