using System.Diagnostics;
using Microsoft.AspNetCore.Http;
using Nexus.Contract;

namespace Nexus.ServiceDefaults.Correlation;

/// <summary>
/// First in the pipeline: echoes the request id (settled by <see cref="CorrelatingHttpContextFactory"/>) on the
/// response, even an error response rewritten later, and puts it on the request's span. The id and the trace id reach
/// every log entry through ASP.NET Core's request scope and activity tracking; the span itself, and keeping
/// infrastructure requests out of traces, is OpenTelemetry's ASP.NET Core instrumentation's work.
/// </summary>
internal sealed class CorrelationMiddleware(RequestDelegate next)
{
    public Task InvokeAsync(HttpContext context)
    {
        // Set when the headers go out: an exception handler clears headers set earlier.
        context.Response.OnStarting(static state =>
        {
            var ctx = (HttpContext)state;
            ctx.Response.Headers[ContractHeaders.RequestId] = ctx.TraceIdentifier;
            return Task.CompletedTask;
        }, context);

        // Only for a span that is recorded: a tag on an unrecorded one costs an allocation and goes nowhere.
        if (Activity.Current is { IsAllDataRequested: true, Recorded: true } activity)
        {
            activity.SetTag("nexus.request_id", context.TraceIdentifier);
        }

        return next(context);
    }
}
