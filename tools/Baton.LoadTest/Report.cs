using System.Globalization;
using System.Text.Json;
using Spectre.Console;

namespace Baton.LoadTest;

/// <summary>The results as a table, the headline ratios against the targets, and JSON for scripts.</summary>
internal static class Report
{
    public static readonly JsonSerializerOptions Json = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    /// <summary>Each target of the performance issue as measured / baseline, with the goal.</summary>
    public static List<Target> Ratios(IReadOnlyList<ScenarioResult> results, IReadOnlyDictionary<string, double> baselines)
    {
        var ratios = new List<Target>();
        double? Rate(string scenario) => results.FirstOrDefault(r => r.Scenario == scenario)?.PerSecond;
        if (Rate("refresh") is { } refresh && baselines.TryGetValue("pgbench_single_row_update_tps", out var pgbench))
        {
            ratios.Add(new("refresh rotations/s ÷ pgbench single-row UPDATE tps", refresh / pgbench, ">= 0.5", refresh / pgbench >= 0.5));
        }

        if (Rate("validate") is { } validate && baselines.TryGetValue("bare_endpoint_per_second", out var bare))
        {
            ratios.Add(new("protected requests/s ÷ bare endpoint requests/s", validate / bare, ">= 0.7", validate / bare >= 0.7));
        }

        if (Rate("login") is { } login && baselines.TryGetValue("password_verify_per_second", out var hashes))
        {
            ratios.Add(new("logins/s ÷ password verifications/s", login / hashes, ">= 0.9", login / hashes >= 0.9));
        }

        if (results.FirstOrDefault(r => r.Scenario == "refresh@large-store") is { } large)
        {
            var small = results.Where(r => r.Scenario.StartsWith("refresh@small-store", StringComparison.Ordinal)).Average(r => r.P50Ms);
            ratios.Add(new($"refresh p50 at {large.Extra["ledgers_in_store"]:N0} ledgers ÷ p50 with the small store (mean of before and after)", large.P50Ms / small, "<= 1.2", large.P50Ms / small <= 1.2));
        }

        if (results.FirstOrDefault(r => r.Scenario == "kick-propagation") is { } kick)
        {
            ratios.Add(new("kick propagation p99 (ms)", kick.P99Ms, "<= 50", kick.P99Ms <= 50));
        }

        return ratios;
    }

    public static void Print(IReadOnlyList<ScenarioResult> results, IReadOnlyDictionary<string, double> baselines, List<Target> ratios)
    {
        var table = new Table().AddColumns("scenario", "ok", "errors", "per s", "p50 ms", "p95 ms", "p99 ms", "max ms", "CPU µs/op baton / pg / client", "errors by code", "invariant violations");
        foreach (var r in results)
        {
            table.AddRow(r.Scenario, N(r.Ok), N(r.Errors), F(r.PerSecond), F(r.P50Ms), F(r.P95Ms), F(r.P99Ms), F(r.MaxMs), Cpu(r),
                Markup.Escape(string.Join(", ", r.ErrorsByCode.Select(e => $"{e.Key}: {e.Value}"))),
                r.Violations.Count == 0 ? "[green]none[/]" : "[red]" + Markup.Escape(string.Join(", ", r.Violations.Select(v => $"{v.Key}: {v.Value}"))) + "[/]");
        }

        AnsiConsole.Write(table);
        if (baselines.Count > 0)
        {
            var b = new Table().AddColumns("baseline (same run)", "value");
            foreach (var (name, value) in baselines)
            {
                b.AddRow(name, F(value));
            }

            AnsiConsole.Write(b);
        }

        if (ratios.Count > 0)
        {
            var t = new Table().AddColumns("target", "measured", "goal", "met");
            foreach (var (name, ratio, goal, met) in ratios)
            {
                t.AddRow(Markup.Escape(name), F(ratio), goal, met ? "[green]yes[/]" : "[red]no[/]");
            }

            AnsiConsole.Write(t);
        }
    }

    /// <summary>CPU per operation by process group (the bare endpoint's process stands where Baton would).</summary>
    private static string Cpu(ScenarioResult r)
    {
        string Of(string group) => r.Extra.TryGetValue(CpuMeter.Key(group), out var us) ? us.ToString("N0", CultureInfo.InvariantCulture) : "-";
        var server = r.Extra.ContainsKey(CpuMeter.Key(CpuMeter.BareEndpoint)) ? CpuMeter.BareEndpoint : CpuMeter.Baton;
        return r.Extra.ContainsKey(CpuMeter.Key(CpuMeter.Client)) ? $"{Of(server)} / {Of(CpuMeter.Postgres)} / {Of(CpuMeter.Client)}" : "-";
    }

    private static string N(long value) => value.ToString("N0", CultureInfo.InvariantCulture);

    private static string F(double value) => value.ToString(value >= 100 ? "N0" : "N2", CultureInfo.InvariantCulture);
}

/// <summary>One target of the performance issue: measured against its goal.</summary>
internal sealed record Target(string Name, double Ratio, string Goal, bool Met);
