using System.Collections.Concurrent;
using System.Diagnostics;

namespace Baton.LoadTest;

/// <summary>Latencies, errors by code and invariant violations of one scenario, safe for many concurrent virtual users.</summary>
internal sealed class Recorder(string name)
{
    private readonly ConcurrentQueue<double> _latencies = new();
    private readonly ConcurrentDictionary<string, long> _errors = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, long> _violations = new(StringComparer.Ordinal);
    private readonly Stopwatch _clock = new();
    private long _ok;

    public string Name { get; } = name;

    public long Ok => Interlocked.Read(ref _ok);

    public long Errors => _errors.Values.Sum();

    public void Start() => _clock.Start();

    public void Stop() => _clock.Stop();

    public void Success(double milliseconds)
    {
        Interlocked.Increment(ref _ok);
        _latencies.Enqueue(milliseconds);
    }

    public void Error(string code, double milliseconds)
    {
        _errors.AddOrUpdate(code, 1, (_, n) => n + 1);
        _latencies.Enqueue(milliseconds);
    }

    public void Violation(string invariant) => _violations.AddOrUpdate(invariant, 1, (_, n) => n + 1);

    /// <summary>A violation seen while warming up is still a violation.</summary>
    public void AddViolations(Recorder other)
    {
        foreach (var (invariant, count) in other._violations)
        {
            _violations.AddOrUpdate(invariant, count, (_, n) => n + count);
        }
    }

    /// <summary>CPU microseconds per operation by process group, measured over the recorded phase.</summary>
    public Dictionary<string, double> Cpu { get; set; } = [];

    public ScenarioResult Result(Dictionary<string, double>? extra = null)
    {
        var all = _latencies.Order().ToArray();
        double P(double p) => all.Length == 0 ? 0 : all[Math.Min(all.Length - 1, (int)Math.Ceiling(p * all.Length) - 1)];
        var seconds = _clock.Elapsed.TotalSeconds;
        return new ScenarioResult(
            Name,
            Ok,
            Errors,
            seconds,
            seconds > 0 ? Ok / seconds : 0,
            P(0.50),
            P(0.95),
            P(0.99),
            all.Length == 0 ? 0 : all[^1],
            new SortedDictionary<string, long>(_errors, StringComparer.Ordinal),
            new SortedDictionary<string, long>(_violations, StringComparer.Ordinal),
            new Dictionary<string, double>((extra ?? []).Concat(Cpu)));
    }
}

/// <summary>What one scenario measured.</summary>
internal sealed record ScenarioResult(
    string Scenario,
    long Ok,
    long Errors,
    double Seconds,
    double PerSecond,
    double P50Ms,
    double P95Ms,
    double P99Ms,
    double MaxMs,
    SortedDictionary<string, long> ErrorsByCode,
    SortedDictionary<string, long> Violations,
    Dictionary<string, double> Extra);
