using System.Globalization;

namespace Baton.Cluster.Tests;

/// <summary>Figures from a silo's <c>/metrics</c> (Prometheus text).</summary>
internal static class SiloMetrics
{
    /// <summary>The silo's grain writes refused for a stale ETag (<c>baton_grain_writes_total{outcome="stale"}</c>): another activation wrote first.</summary>
    public static async Task<long> StaleWritesAsync(BatonNode silo)
    {
        var text = await silo.Http.GetStringAsync(new Uri("/metrics", UriKind.Relative));
        return text.Split('\n')
            .Where(line => line.StartsWith("baton_grain_writes_total{", StringComparison.Ordinal) && line.Contains("outcome=\"stale\"", StringComparison.Ordinal))
            .Sum(line => long.Parse(line[(line.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture));
    }

    /// <summary>Waits until the silo's stale writes exceed <paramref name="before"/>: its exporter caches a scrape for a moment.</summary>
    public static async Task UntilStaleWritesExceedAsync(BatonNode silo, long before, string failure)
    {
        try
        {
            await Eventually.UntilAsync(async () => await StaleWritesAsync(silo) > before, TimeSpan.FromSeconds(5));
        }
        catch (Xunit.Sdk.XunitException)
        {
            Assert.Fail($"{failure} (baton_grain_writes_total{{outcome=\"stale\"}} stayed at {before}){Environment.NewLine}{silo.OutputTail()}");
        }
    }
}
