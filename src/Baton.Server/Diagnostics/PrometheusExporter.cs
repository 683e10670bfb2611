using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Globalization;
using System.Text;

namespace Baton.Server.Diagnostics;

/// <summary>
/// Serves <c>System.Diagnostics.Metrics</c> instruments in the Prometheus text format (the
/// OpenTelemetry exporter packages do not restore here, and the format is small). Listens to
/// Baton's meters and ASP.NET Core's request duration histogram.
/// </summary>
internal sealed class PrometheusExporter : IDisposable
{
    private static readonly double[] Buckets = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

    private readonly MeterListener _listener = new();
    private readonly HashSet<string> _meters;
    private readonly ConcurrentDictionary<(Instrument Instrument, string Labels), Series> _series = new();

    // The hot path: measurements find their series by a hash of the tags and a comparison, without
    // formatting the label text, which happens once per distinct tag set.
    private readonly ConcurrentDictionary<(Instrument Instrument, int TagHash), TagSet[]> _known = new();

    public PrometheusExporter(IEnumerable<string> meterNames)
    {
        _meters = new HashSet<string>(meterNames, StringComparer.Ordinal);
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (_meters.Contains(instrument.Meter.Name))
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((i, value, tags, _) => Record(i, value, tags));
        _listener.SetMeasurementEventCallback<int>((i, value, tags, _) => Record(i, value, tags));
        _listener.SetMeasurementEventCallback<double>((i, value, tags, _) => Record(i, value, tags));
        _listener.Start();
    }

    public string Render()
    {
        _listener.RecordObservableInstruments();
        var text = new StringBuilder();
        foreach (var group in _series.GroupBy(s => s.Key.Instrument).OrderBy(g => g.Key.Name, StringComparer.Ordinal))
        {
            var instrument = group.Key;
            var name = MetricName(instrument);
            var histogram = instrument is Histogram<double> or Histogram<long> or Histogram<int>;
            var counter = !histogram && instrument.GetType().Name.Contains("Counter", StringComparison.Ordinal);
            var type = histogram ? "histogram" : counter ? "counter" : "gauge";
            text.Append("# HELP ").Append(name).Append(' ').Append(instrument.Description ?? instrument.Name).Append('\n');
            text.Append("# TYPE ").Append(name).Append(' ').Append(type).Append('\n');
            foreach (var (key, series) in group.OrderBy(s => s.Key.Labels, StringComparer.Ordinal))
            {
                series.Write(text, name, key.Labels, histogram, counter);
            }
        }

        return text.ToString();
    }

    public void Dispose() => _listener.Dispose();

    private void Record(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var series = SeriesOf(instrument, tags);
        var isHistogram = instrument is Histogram<double> or Histogram<long> or Histogram<int>;
        // Observable instruments report their current total or level on each scrape.
        series.Add(value, isHistogram, replace: instrument.IsObservable);
    }

    private Series SeriesOf(Instrument instrument, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var hash = new HashCode();
        foreach (var (key, value) in tags)
        {
            hash.Add(key);
            hash.Add(value);
        }

        var slot = (instrument, hash.ToHashCode());
        if (_known.TryGetValue(slot, out var sets))
        {
            foreach (var set in sets)
            {
                if (set.Matches(tags))
                {
                    return set.Series;
                }
            }
        }

        // A tag set not seen before (or seen in another order): its series is keyed by the sorted label text.
        var series = _series.GetOrAdd((instrument, Labels(tags)), static _ => new Series());
        var added = new TagSet(tags.ToArray(), series);
        _known.AddOrUpdate(slot, [added], (_, existing) => [.. existing, added]);
        return series;
    }

    private static string MetricName(Instrument instrument)
    {
        var name = instrument.Name.Replace('.', '_').Replace('-', '_');
        return instrument.Unit == "s" && !name.EndsWith("_seconds", StringComparison.Ordinal) ? name + "_seconds" : name;
    }

    private static string Labels(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        if (tags.IsEmpty)
        {
            return "";
        }

        var pairs = new List<string>(tags.Length);
        foreach (var (key, value) in tags)
        {
            var text = Convert.ToString(value, CultureInfo.InvariantCulture) ?? "";
            pairs.Add($"{key.Replace('.', '_')}=\"{text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal)}\"");
        }

        pairs.Sort(StringComparer.Ordinal);
        return string.Join(',', pairs);
    }

    private sealed record TagSet(KeyValuePair<string, object?>[] Tags, Series Series)
    {
        public bool Matches(ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            if (tags.Length != Tags.Length)
            {
                return false;
            }

            for (var i = 0; i < tags.Length; i++)
            {
                if (!string.Equals(tags[i].Key, Tags[i].Key, StringComparison.Ordinal) || !Equals(tags[i].Value, Tags[i].Value))
                {
                    return false;
                }
            }

            return true;
        }
    }

    private sealed class Series
    {
        private readonly Lock _lock = new();
        private readonly long[] _bucketCounts = new long[Buckets.Length];
        private double _sum;
        private long _count;

        public void Add(double value, bool histogram, bool replace)
        {
            lock (_lock)
            {
                _sum = replace ? value : _sum + value;
                _count++;
                if (histogram)
                {
                    for (var i = 0; i < Buckets.Length; i++)
                    {
                        if (value <= Buckets[i])
                        {
                            _bucketCounts[i]++;
                        }
                    }
                }
            }
        }

        public void Write(StringBuilder text, string name, string labels, bool histogram, bool counter)
        {
            lock (_lock)
            {
                if (!histogram)
                {
                    text.Append(name).Append(counter ? "_total" : "").Append(Braces(labels)).Append(' ').Append(Number(_sum)).Append('\n');
                    return;
                }

                var separator = labels.Length == 0 ? "" : ",";
                for (var i = 0; i < Buckets.Length; i++)
                {
                    text.Append(name).Append("_bucket{").Append(labels).Append(separator).Append("le=\"").Append(Number(Buckets[i])).Append("\"} ").Append(_bucketCounts[i]).Append('\n');
                }

                text.Append(name).Append("_bucket{").Append(labels).Append(separator).Append("le=\"+Inf\"} ").Append(_count).Append('\n');
                text.Append(name).Append("_sum").Append(Braces(labels)).Append(' ').Append(Number(_sum)).Append('\n');
                text.Append(name).Append("_count").Append(Braces(labels)).Append(' ').Append(_count).Append('\n');
            }
        }

        private static string Braces(string labels) => labels.Length == 0 ? "" : "{" + labels + "}";

        private static string Number(double value) => value.ToString("R", CultureInfo.InvariantCulture);
    }
}
