using System.Collections;
using System.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;
using Nexus.Contract;
using Nexus.ServiceDefaults.Telemetry;

namespace Nexus.ServiceDefaults.Correlation;

/// <summary>
/// First in the pipeline: settles the request id, echoes it on the response (even an error response rewritten
/// later), puts it and the trace id in the scope of every log entry, and names the request's span.
/// </summary>
internal sealed class CorrelationMiddleware(RequestDelegate next, ILogger<CorrelationMiddleware> logger)
{
    private static readonly HashSet<string> InfrastructurePaths = new(StringComparer.OrdinalIgnoreCase)
    {
        ContractPaths.Health, ContractPaths.Alive, ContractPaths.Metrics,
    };

    public async Task InvokeAsync(HttpContext context)
    {
        var requestId = RequestIds.AcceptOrCreate(context.Request.Headers[ContractHeaders.RequestId]);
        context.TraceIdentifier = requestId;

        // Set when the headers go out: an exception handler clears headers set earlier.
        context.Response.OnStarting(static state =>
        {
            var ctx = (HttpContext)state;
            ctx.Response.Headers[ContractHeaders.RequestId] = ctx.TraceIdentifier;
            return Task.CompletedTask;
        }, context);

        var activity = Activity.Current;
        if (InfrastructurePaths.Contains(context.Request.Path.Value ?? string.Empty))
        {
            InfrastructureTraces.Suppress(activity);
        }
        else
        {
            activity?.SetTag("http.request.method", context.Request.Method);
            activity?.SetTag("url.path", context.Request.Path.Value);
            activity?.SetTag("nexus.request_id", requestId);
        }

        using (logger.BeginScope(new CorrelationScope(requestId, activity?.TraceId.ToHexString())))
        {
            await next(context);
        }

        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag("http.response.status_code", context.Response.StatusCode);
            if (context.GetEndpoint() is RouteEndpoint { RoutePattern.RawText: { } route })
            {
                activity.SetTag("http.route", route);
                activity.DisplayName = $"{context.Request.Method} {route}";
            }
        }
    }

    /// <summary>A log scope that structured formatters (JSON console, OTLP) write as named fields.</summary>
    private sealed class CorrelationScope(string requestId, string? traceId) : IReadOnlyList<KeyValuePair<string, object?>>
    {
        public int Count => 2;

        public KeyValuePair<string, object?> this[int index] => index switch
        {
            0 => new("RequestId", requestId),
            1 => new("TraceId", traceId),
            _ => throw new ArgumentOutOfRangeException(nameof(index)),
        };

        public IEnumerator<KeyValuePair<string, object?>> GetEnumerator()
        {
            yield return this[0];
            yield return this[1];
        }

        IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

        public override string ToString() => $"RequestId:{requestId} TraceId:{traceId}";
    }
}
