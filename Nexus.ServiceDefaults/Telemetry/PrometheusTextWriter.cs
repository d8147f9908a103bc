using System.Globalization;
using System.Text;
using OpenTelemetry.Metrics;

namespace Nexus.ServiceDefaults.Telemetry;

/// <summary>
/// Writes OpenTelemetry metrics in the Prometheus text exposition format 0.0.4, following the OpenTelemetry-to-
/// Prometheus naming rules: dots become underscores, the unit becomes a suffix (milliseconds converted to the
/// base unit, seconds), counters end in <c>_total</c>.
/// </summary>
internal sealed class PrometheusTextWriter
{
    private readonly StringBuilder _text = new();
    private readonly Dictionary<string, string> _families = new(StringComparer.Ordinal);

    public void Write(Metric metric)
    {
        var (unitSuffix, scale) = Unit(metric.Unit);
        var baseName = Sanitize(metric.Name, allowColon: true);
        if (unitSuffix.Length > 0 && !baseName.EndsWith("_" + unitSuffix, StringComparison.Ordinal)) baseName += "_" + unitSuffix;

        var (type, name) = metric.MetricType switch
        {
            MetricType.LongSum or MetricType.DoubleSum => ("counter", baseName.EndsWith("_total", StringComparison.Ordinal) ? baseName : baseName + "_total"),
            MetricType.Histogram => ("histogram", baseName),
            MetricType.LongGauge or MetricType.DoubleGauge or MetricType.LongSumNonMonotonic or MetricType.DoubleSumNonMonotonic => ("gauge", baseName),
            _ => (string.Empty, baseName), // exponential histograms have no text-format equivalent
        };
        if (type.Length == 0) return;

        // Prometheus reserves _count, _sum and _bucket for histogram series (dotnet.assembly.count is a gauge).
        if (type == "gauge" && (name.EndsWith("_count", StringComparison.Ordinal) || name.EndsWith("_sum", StringComparison.Ordinal) || name.EndsWith("_bucket", StringComparison.Ordinal)))
        {
            name += "_value";
        }

        // Two meters may export the same name; the format allows one family per name, so the first one wins.
        if (!_families.TryAdd(name, type)) return;

        _text.Append("# HELP ").Append(name).Append(' ').Append(EscapeHelp(string.IsNullOrWhiteSpace(metric.Description) ? metric.Name : metric.Description)).Append('\n');
        _text.Append("# TYPE ").Append(name).Append(' ').Append(type).Append('\n');

        foreach (ref readonly var point in metric.GetMetricPoints())
        {
            var labels = Labels(point);
            switch (metric.MetricType)
            {
                case MetricType.LongSum or MetricType.LongSumNonMonotonic:
                    Sample(name, labels, null, point.GetSumLong() * scale);
                    break;
                case MetricType.DoubleSum or MetricType.DoubleSumNonMonotonic:
                    Sample(name, labels, null, point.GetSumDouble() * scale);
                    break;
                case MetricType.LongGauge:
                    Sample(name, labels, null, point.GetGaugeLastValueLong() * scale);
                    break;
                case MetricType.DoubleGauge:
                    Sample(name, labels, null, point.GetGaugeLastValueDouble() * scale);
                    break;
                case MetricType.Histogram:
                    WriteHistogram(name, labels, point, scale);
                    break;
            }
        }
    }

    public override string ToString() => _text.ToString();

    private void WriteHistogram(string name, string labels, in MetricPoint point, double scale)
    {
        long cumulative = 0;
        foreach (var bucket in point.GetHistogramBuckets())
        {
            cumulative += bucket.BucketCount;
            var bound = double.IsPositiveInfinity(bucket.ExplicitBound) ? "+Inf" : Format(bucket.ExplicitBound * scale);
            Sample(name + "_bucket", labels, $"le=\"{bound}\"", cumulative);
        }

        Sample(name + "_sum", labels, null, point.GetHistogramSum() * scale);
        Sample(name + "_count", labels, null, point.GetHistogramCount());
    }

    private void Sample(string name, string labels, string? extraLabel, double value)
    {
        _text.Append(name);
        if (labels.Length > 0 || extraLabel is not null)
        {
            _text.Append('{').Append(labels);
            if (extraLabel is not null) _text.Append(labels.Length > 0 ? "," : string.Empty).Append(extraLabel);
            _text.Append('}');
        }

        _text.Append(' ').Append(Format(value)).Append('\n');
    }

    private static string Labels(in MetricPoint point)
    {
        var labels = new StringBuilder();
        foreach (var tag in point.Tags)
        {
            if (labels.Length > 0) labels.Append(',');
            labels.Append(Sanitize(tag.Key, allowColon: false)).Append("=\"").Append(EscapeLabel(Convert.ToString(tag.Value, CultureInfo.InvariantCulture) ?? string.Empty)).Append('"');
        }

        return labels.ToString();
    }

    /// <summary>The name suffix for a UCUM unit and the factor that converts values to Prometheus's base unit.</summary>
    private static (string Suffix, double Scale) Unit(string? unit) => unit switch
    {
        null or "" or "1" => (string.Empty, 1),
        "s" => ("seconds", 1),
        "ms" => ("seconds", 0.001),
        "us" => ("seconds", 0.000001),
        "ns" => ("seconds", 0.000000001),
        "By" => ("bytes", 1),
        "KiBy" => ("bytes", 1024),
        "MiBy" => ("bytes", 1024 * 1024),
        "%" => ("percent", 1),
        _ when unit.StartsWith('{') => (string.Empty, 1), // annotations such as {request} are not units
        _ => (Sanitize(unit.Replace("/", "_per_", StringComparison.Ordinal), allowColon: false).Trim('_'), 1),
    };

    private static string Sanitize(string name, bool allowColon)
    {
        var builder = new StringBuilder(name.Length);
        foreach (var c in name)
        {
            var ok = char.IsAsciiLetterOrDigit(c) || c == '_' || (allowColon && c == ':');
            builder.Append(ok ? c : '_');
        }

        if (builder.Length == 0 || char.IsAsciiDigit(builder[0])) builder.Insert(0, '_');

        // Collapse runs of underscores that "." and "/" replacements leave behind.
        var collapsed = builder.ToString();
        while (collapsed.Contains("__", StringComparison.Ordinal)) collapsed = collapsed.Replace("__", "_", StringComparison.Ordinal);
        return collapsed;
    }

    private static string Format(double value) => value switch
    {
        double.PositiveInfinity => "+Inf",
        double.NegativeInfinity => "-Inf",
        double.NaN => "NaN",
        _ => value.ToString("R", CultureInfo.InvariantCulture),
    };

    private static string EscapeHelp(string text) => text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);

    private static string EscapeLabel(string text) => EscapeHelp(text).Replace("\"", "\\\"", StringComparison.Ordinal);
}
