using System.Globalization;
using System.Text.Json;
using Spectre.Console;

namespace Baton.LoadTest;

/// <summary>The results as a table, the headline ratios against the targets, and JSON for scripts.</summary>
internal static class Report
{
    public static readonly JsonSerializerOptions Json = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    /// <summary>Each target of the performance issue as measured / baseline, with the goal.</summary>
    /// <remarks>The bare refresh's store is named with its target: Baton on SQLite over a bare refresh on Redis is no like for like.</remarks>
    public static List<Target> Ratios(IReadOnlyList<ScenarioResult> results, IReadOnlyDictionary<string, double> baselines, IReadOnlyDictionary<string, string> backends)
    {
        var ratios = new List<Target>();
        double? Rate(string scenario) => results.FirstOrDefault(r => r.Scenario == scenario)?.PerSecond;
        double? Ceiling(string name) => baselines.TryGetValue(name, out var value) ? value : Rate(name); // a baseline, or another scenario
        void Ratio(string scenario, string baseline, string name, double goal)
        {
            if (Rate(scenario) is { } measured && Ceiling(baseline) is double ceiling && ceiling > 0)
            {
                ratios.Add(new(name, measured / ceiling, $">= {goal}", measured / ceiling >= goal));
            }
        }

        var store = backends.TryGetValue("bare_refresh_per_second", out var backend) ? $" (bare refresh on {backend.Split(" (")[0]})" : "";
        Ratio("refresh", "bare_refresh_per_second", "refresh rotations/s ÷ bare refresh/s" + store, 0.6);
        Ratio("validate", "bare_endpoint_per_second", "protected requests/s ÷ bare endpoint requests/s", 0.8);
        Ratio("login", "password_verify_per_second", "logins/s ÷ password verifications/s", 0.9);
        Ratio("refresh-storm", "refresh", "storm refreshes/s ÷ plain refreshes/s", 0.5);
        if (results.FirstOrDefault(r => r.Scenario == "kick-propagation") is { } kick)
        {
            ratios.Add(new("kick propagation p99 (ms)", kick.P99Ms, "<= 20", kick.P99Ms <= 20));
        }

        return ratios;
    }

    public static void Print(IReadOnlyList<ScenarioResult> results, IReadOnlyDictionary<string, double> baselines, IReadOnlyDictionary<string, string> backends, List<Target> ratios)
    {
        var cpu = results.Any(r => r.Extra.ContainsKey(CpuMeter.Key(CpuMeter.Redis))) ? "CPU µs/op baton / client / redis" : "CPU µs/op baton / client";
        var table = new Table().AddColumns("scenario", "ok", "errors", "per s", "p50 ms", "p95 ms", "p99 ms", "max ms", cpu, "errors by code", "invariant violations");
        foreach (var r in results)
        {
            table.AddRow(r.Scenario, N(r.Ok), N(r.Errors), F(r.PerSecond), F(r.P50Ms), F(r.P95Ms), F(r.P99Ms), F(r.MaxMs), Cpu(r),
                Markup.Escape(string.Join(", ", r.ErrorsByCode.Select(e => $"{e.Key}: {e.Value}"))),
                r.Violations.Count == 0 ? "[green]none[/]" : "[red]" + Markup.Escape(string.Join(", ", r.Violations.Select(v => $"{v.Key}: {v.Value}"))) + "[/]");
        }

        AnsiConsole.Write(table);
        if (baselines.Count > 0)
        {
            var b = new Table().AddColumns("baseline (same run)", "value", "against");
            foreach (var (name, value) in baselines)
            {
                b.AddRow(name, F(value), Markup.Escape(backends.GetValueOrDefault(name, "")));
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
        var redis = r.Extra.ContainsKey(CpuMeter.Key(CpuMeter.Redis)) ? $" / {Of(CpuMeter.Redis)}" : "";
        return r.Extra.ContainsKey(CpuMeter.Key(CpuMeter.Client)) ? $"{Of(server)} / {Of(CpuMeter.Client)}{redis}" : "-";
    }

    private static string N(long value) => value.ToString("N0", CultureInfo.InvariantCulture);

    private static string F(double value) => value.ToString(value >= 100 ? "N0" : "N2", CultureInfo.InvariantCulture);
}

/// <summary>One target of the performance issue: measured against its goal.</summary>
internal sealed record Target(string Name, double Ratio, string Goal, bool Met);
