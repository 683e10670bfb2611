using Baton.Benchmarks;

// `cache-memory` reports retained bytes per cached ledger (what stays on the heap, not what was
// allocated on the way); anything else goes to BenchmarkDotNet.
if (args is ["cache-memory", ..])
{
    CacheMemoryBenchmarks.ReportRetained(args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 100_000);
    return;
}

BenchmarkDotNet.Running.BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
