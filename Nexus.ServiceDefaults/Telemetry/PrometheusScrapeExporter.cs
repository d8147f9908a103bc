using OpenTelemetry;
using OpenTelemetry.Metrics;

namespace Nexus.ServiceDefaults.Telemetry;

/// <summary>
/// A pull exporter for <c>GET /metrics</c>: a scrape asks the OpenTelemetry SDK to collect, and the batch it
/// hands back is written as Prometheus text. The SDK does the aggregation (sums, gauges, histogram buckets).
/// Declared push-capable (the default) because the SDK lets only its own exporters collect in pull mode;
/// nothing pushes to it on a timer, so in practice it exports only when scraped.
/// </summary>
public sealed class PrometheusScrapeExporter : BaseExporter<Metric>
{
    private readonly Lock _gate = new();
    private PrometheusTextWriter? _target;

    /// <summary>The reader to add to the meter provider; collecting through it calls <see cref="Export"/>.</summary>
    public MetricReader Reader { get; }

    public PrometheusScrapeExporter() =>
        Reader = new BaseExportingMetricReader(this) { TemporalityPreference = MetricReaderTemporalityPreference.Cumulative };

    /// <summary>Collects every meter's current values and returns them in the Prometheus text format (0.0.4).</summary>
    public string Scrape()
    {
        lock (_gate)
        {
            _target = new PrometheusTextWriter();
            try
            {
                Reader.Collect();
                return _target.ToString();
            }
            finally
            {
                _target = null;
            }
        }
    }

    public override ExportResult Export(in Batch<Metric> batch)
    {
        if (_target is null) return ExportResult.Failure;
        foreach (var metric in batch) _target.Write(metric);
        return ExportResult.Success;
    }
}
