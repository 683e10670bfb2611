using System.Diagnostics.Metrics;
using Baton.Server.Diagnostics;

namespace Baton.Server.Tests;

/// <summary>The Prometheus text the exporter renders from measurements, one series per distinct tag set.</summary>
public sealed class PrometheusExporterTests
{
    [Fact]
    public void Counter_KeepsOneSeriesPerTagSet_WhateverTheTagOrder()
    {
        var meterName = "Baton.Tests.Exporter." + Guid.NewGuid().ToString("N");
        using var exporter = new PrometheusExporter([meterName]);
        using var meter = new Meter(meterName);
        var counter = meter.CreateCounter<long>("test.requests");

        for (var i = 0; i < 3; i++)
        {
            counter.Add(1, new KeyValuePair<string, object?>("route", "/a"), new KeyValuePair<string, object?>("status", 200));
        }

        counter.Add(1, new KeyValuePair<string, object?>("status", 200), new KeyValuePair<string, object?>("route", "/a"));
        counter.Add(5, new KeyValuePair<string, object?>("route", "/a"), new KeyValuePair<string, object?>("status", 401));
        counter.Add(2, new KeyValuePair<string, object?>("route", "/b \"quoted\""), new KeyValuePair<string, object?>("status", 200));

        var lines = exporter.Render().Split('\n');

        Assert.Contains("test_requests_total{route=\"/a\",status=\"200\"} 4", lines);
        Assert.Contains("test_requests_total{route=\"/a\",status=\"401\"} 5", lines);
        Assert.Contains("test_requests_total{route=\"/b \\\"quoted\\\"\",status=\"200\"} 2", lines);
        Assert.Equal(3, lines.Count(l => l.StartsWith("test_requests_total{", StringComparison.Ordinal)));
    }

    [Fact]
    public void Histogram_CountsEachTagSetInItsBuckets()
    {
        var meterName = "Baton.Tests.Exporter." + Guid.NewGuid().ToString("N");
        using var exporter = new PrometheusExporter([meterName]);
        using var meter = new Meter(meterName);
        var histogram = meter.CreateHistogram<double>("test.duration", "s");

        histogram.Record(0.002, new KeyValuePair<string, object?>("status", 200));
        histogram.Record(0.2, new KeyValuePair<string, object?>("status", 200));
        histogram.Record(3, new KeyValuePair<string, object?>("status", 500));

        var lines = exporter.Render().Split('\n');

        Assert.Contains("test_duration_seconds_bucket{status=\"200\",le=\"0.0025\"} 1", lines);
        Assert.Contains("test_duration_seconds_bucket{status=\"200\",le=\"0.25\"} 2", lines);
        Assert.Contains("test_duration_seconds_count{status=\"200\"} 2", lines);
        Assert.Contains("test_duration_seconds_count{status=\"500\"} 1", lines);
        Assert.Contains("test_duration_seconds_bucket{status=\"500\",le=\"2.5\"} 0", lines);
    }
}
