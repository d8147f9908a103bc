using System.Diagnostics;
using System.Globalization;

namespace Nexus.Gateway.Forwarding;

/// <summary>Clocks a request: total time, time spent waiting on upstreams, and the <c>Server-Timing</c> header.</summary>
internal sealed class RequestTiming
{
    private readonly long _start = Stopwatch.GetTimestamp();
    // The timing is the callback's state itself, so registering it allocates no tuple box per request.
    private readonly HttpResponse _response;
    private long _upstreamTicks;
    private long _upstreamToHeadersTicks;

    private RequestTiming(HttpResponse response) => _response = response;

    public static RequestTiming Start(HttpContext context)
    {
        var timing = new RequestTiming(context.Response);
        context.Response.OnStarting(static state =>
        {
            var t = (RequestTiming)state;
            var total = Stopwatch.GetElapsedTime(t._start).TotalMilliseconds;
            var upstream = TimeSpan.FromTicks(Interlocked.Read(ref t._upstreamToHeadersTicks)).TotalMilliseconds;
            t._response.Headers["Server-Timing"] = string.Create(CultureInfo.InvariantCulture,
                $"gateway;dur={Math.Max(0, total - upstream):0.###}, upstream;dur={upstream:0.###}");
            return Task.CompletedTask;
        }, timing);
        return timing;
    }

    /// <summary>
    /// An attempt's headers arrived: the time it waited for them counts now, before the client's headers (and the
    /// <c>Server-Timing</c> header among them) are written.
    /// </summary>
    public void HeadersReceived(long sentAt, long headersAt) =>
        Interlocked.Add(ref _upstreamToHeadersTicks, Stopwatch.GetElapsedTime(sentAt, headersAt).Ticks);

    /// <summary>An attempt ended: from sending to the end of its body; one that never got headers waited all that time for them.</summary>
    public void AttemptEnded(long sentAt, long headersAt, long endedAt)
    {
        var elapsed = Stopwatch.GetElapsedTime(sentAt, endedAt).Ticks;
        if (headersAt == 0) Interlocked.Add(ref _upstreamToHeadersTicks, elapsed);
        Interlocked.Add(ref _upstreamTicks, elapsed);
    }

    public TimeSpan Total => Stopwatch.GetElapsedTime(_start);

    public TimeSpan Upstream => TimeSpan.FromTicks(Interlocked.Read(ref _upstreamTicks));

    /// <summary>Time the request spent in the gateway itself rather than waiting on an upstream.</summary>
    public TimeSpan Overhead => Total - Upstream is var overhead && overhead > TimeSpan.Zero ? overhead : TimeSpan.Zero;
}
