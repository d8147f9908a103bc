using System.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Nexus.Contract;
using Nexus.ServiceDefaults.Telemetry;

namespace Nexus.ServiceDefaults.Correlation;

/// <summary>
/// First in the pipeline: echoes the request id (settled by <see cref="CorrelatingHttpContextFactory"/>) on the
/// response, even an error response rewritten later, keeps infrastructure requests out of traces, and names
/// the request's span. The id and the trace id reach every log entry through ASP.NET Core's request scope and
/// activity tracking.
/// </summary>
internal sealed class CorrelationMiddleware(RequestDelegate next)
{
    private static readonly HashSet<string> InfrastructurePaths = new(StringComparer.OrdinalIgnoreCase)
    {
        ContractPaths.Health, ContractPaths.Alive, ContractPaths.Metrics,
    };

    public async Task InvokeAsync(HttpContext context)
    {
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
        else if (activity is { IsAllDataRequested: true, Recorded: true })
        {
            // Only for a span that is recorded: tags on an unrecorded one cost an allocation each and go nowhere.
            activity.SetTag("http.request.method", context.Request.Method);
            activity.SetTag("url.path", context.Request.Path.Value);
            activity.SetTag("nexus.request_id", context.TraceIdentifier);
        }

        await next(context);

        if (activity is { IsAllDataRequested: true, Recorded: true })
        {
            activity.SetTag("http.response.status_code", context.Response.StatusCode);
            if (context.GetEndpoint() is RouteEndpoint { RoutePattern.RawText: { } route })
            {
                activity.SetTag("http.route", route);
                activity.DisplayName = $"{context.Request.Method} {route}";
            }
        }
    }
}
