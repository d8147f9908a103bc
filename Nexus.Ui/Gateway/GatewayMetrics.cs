using System.Globalization;
using System.Text.RegularExpressions;

namespace Nexus.Ui.Gateway;

/// <summary>
/// The gateway's request counter (<c>nexus.gateway.requests</c> by endpoint and status) read from its Prometheus
/// <c>/metrics</c>; two readings a few seconds apart give the request and error rates.
/// </summary>
internal static partial class GatewayMetrics
{
    public sealed record Sample(DateTimeOffset At, IReadOnlyDictionary<(string Endpoint, int Status), double> Requests);

    public static Sample Parse(string exposition, DateTimeOffset at)
    {
        var counts = new Dictionary<(string, int), double>();
        foreach (var line in exposition.Split('\n'))
        {
            if (!line.StartsWith("nexus_gateway_requests", StringComparison.Ordinal)) continue;
            var match = RequestLine().Match(line);
            if (!match.Success) continue;
            var labels = match.Groups["labels"].Value;
            var endpoint = Label(labels, "endpoint") ?? "?";
            if (!int.TryParse(Label(labels, "status"), NumberStyles.None, CultureInfo.InvariantCulture, out var status)) continue;
            if (double.TryParse(match.Groups["value"].Value, NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
            {
                counts[(endpoint, status)] = counts.GetValueOrDefault((endpoint, status)) + value;
            }
        }

        return new Sample(at, counts);
    }

    /// <summary>Per endpoint: requests per second and the share that failed (status 500 and above, 429 counted apart).</summary>
    public static IReadOnlyList<(string Endpoint, double Total, double PerSecond, double ErrorsPerSecond, double Throttled)> Rates(Sample? before, Sample now)
    {
        var seconds = before is null ? 0 : Math.Max(0.001, (now.At - before.At).TotalSeconds);
        return now.Requests.GroupBy(r => r.Key.Endpoint).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g =>
        {
            double Delta(Func<int, bool> which) => g.Where(r => which(r.Key.Status)).Sum(r => r.Value - (before?.Requests.GetValueOrDefault(r.Key) ?? r.Value));
            return (g.Key, g.Sum(r => r.Value), seconds == 0 ? 0 : Delta(_ => true) / seconds, seconds == 0 ? 0 : Delta(s => s >= 500) / seconds, g.Where(r => r.Key.Status == 429).Sum(r => r.Value));
        }).ToList();
    }

    private static string? Label(string labels, string name)
    {
        var match = Regex.Match(labels, name + "=\"(?<v>[^\"]*)\"", RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
        return match.Success ? match.Groups["v"].Value : null;
    }

    [GeneratedRegex("^nexus_gateway_requests(_total)?\\{(?<labels>[^}]*)\\}\\s+(?<value>\\S+)")]
    private static partial Regex RequestLine();
}
