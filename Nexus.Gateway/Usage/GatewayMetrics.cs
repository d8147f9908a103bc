using System.Diagnostics.Metrics;

namespace Nexus.Gateway.Usage;

/// <summary>The gateway's meter, <c>Nexus.Gateway</c>: requests, tokens, rejections, upstream latency and overhead.</summary>
internal sealed class GatewayMetrics
{
    public const string MeterName = "Nexus.Gateway";

    private readonly Counter<long> _requests;
    private readonly Counter<long> _tokens;
    private readonly Counter<long> _rejections;
    private readonly Histogram<double> _upstream;
    private readonly Histogram<double> _overhead;

    public GatewayMetrics(IMeterFactory factory)
    {
        var meter = factory.Create(MeterName);
        _requests = meter.CreateCounter<long>("nexus.gateway.requests", "{request}", "Requests handled, by endpoint and status.");
        _tokens = meter.CreateCounter<long>("nexus.gateway.tokens", "{token}", "Tokens billed, by direction (prompt, completion).");
        _rejections = meter.CreateCounter<long>("nexus.gateway.rejections", "{request}", "Requests refused by the gateway, by reason.");
        _upstream = meter.CreateHistogram<double>("nexus.gateway.upstream.duration", "s", "Time spent waiting on upstream instances.");
        _overhead = meter.CreateHistogram<double>("nexus.gateway.overhead", "s", "Time a request spent in the gateway itself.");
    }

    public void Request(string endpoint, int status) =>
        _requests.Add(1, new KeyValuePair<string, object?>("endpoint", endpoint), new KeyValuePair<string, object?>("status", Boxed(status)));

    // Tags are objects: boxing the status anew on every request would be one allocation per request for nothing.
    private static readonly object[] Statuses = Enumerable.Range(0, 600).Select(s => (object)s).ToArray();

    private static object Boxed(int status) => (uint)status < Statuses.Length ? Statuses[status] : status;

    public void Tokens(long prompt, long completion)
    {
        if (prompt > 0) _tokens.Add(prompt, new KeyValuePair<string, object?>("direction", "prompt"));
        if (completion > 0) _tokens.Add(completion, new KeyValuePair<string, object?>("direction", "completion"));
    }

    public void Rejected(string reason) => _rejections.Add(1, new KeyValuePair<string, object?>("reason", reason));

    public void Durations(TimeSpan upstream, TimeSpan overhead)
    {
        if (upstream > TimeSpan.Zero) _upstream.Record(upstream.TotalSeconds);
        _overhead.Record(overhead.TotalSeconds);
    }
}
