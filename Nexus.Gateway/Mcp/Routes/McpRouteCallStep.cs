using System.Diagnostics;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;
using Nexus.Gateway.Forwarding;
using Nexus.Gateway.Routing;
using Nexus.Gateway.Routing.Health;
using Nexus.Gateway.Usage;
using Nexus.ServiceDefaults.Mcp;

namespace Nexus.Gateway.Mcp.Routes;

/// <summary>A call of an MCP route's tool on its way through <see cref="McpRoutePipeline"/>: what to call, and what came back.</summary>
internal sealed class McpRouteCall(RouteGatewayTool tool, IReadOnlyDictionary<string, object?> arguments, IProgress<ProgressNotificationValue>? progress)
{
    public RouteGatewayTool Tool { get; } = tool;

    public IReadOnlyDictionary<string, object?> Arguments { get; } = arguments;

    public IProgress<ProgressNotificationValue>? Progress { get; } = progress;

    /// <summary>The tool's result, set when the call reached the route's server (or could not).</summary>
    public CallToolResult? Result { get; set; }
}

/// <summary>
/// The last step for an MCP route's tool: calls the route's server with the official client and records the outcome
/// as forwarding does (status, the route as the instance, the time spent upstream). A server that is down or fails is
/// a tool error, never an exception.
/// </summary>
internal sealed class McpRouteCallStep
{
    private static readonly IReadOnlyDictionary<string, string> NoLabels = new Dictionary<string, string>();

    public async Task InvokeAsync(HttpContext context)
    {
        var feature = GatewayRequestFeature.Of(context);
        var call = context.Features.Get<McpRouteCall>()!;
        var tool = call.Tool;
        var instance = new Upstream("mcp-route:" + tool.Route, new Uri(tool.Connection.Route.Upstream.Url), NoLabels, null, FromRegistry: false);
        var sentAt = Stopwatch.GetTimestamp();
        (int Status, string? Failure, AttemptOutcome Outcome) outcome;
        try
        {
            call.Result = await tool.Connection.CallAsync(tool.UpstreamName, call.Arguments, call.Progress, context.RequestAborted);
            outcome = (StatusCodes.Status200OK, null, AttemptOutcome.Success);
        }
        catch (McpRouteUnavailableException exception)
        {
            call.Result = ToolResults.Error($"{tool.Name} cannot be called: the MCP route '{tool.Route}' is unreachable ({exception.Message}).");
            outcome = (StatusCodes.Status503ServiceUnavailable, exception.Message, AttemptOutcome.Failure);
        }
        catch (McpException exception)
        {
            // The server answered with a JSON-RPC error (an unknown tool, invalid arguments): its message is the caller's to read.
            call.Result = ToolResults.Error($"{tool.Name} failed at the MCP route's server: {exception.Message}");
            outcome = (StatusCodes.Status502BadGateway, exception.Message, AttemptOutcome.Neutral);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            outcome = (ForwardResult.ClientClosedRequest, "client disconnected", AttemptOutcome.Neutral);
        }
        finally
        {
            feature.Timing.AttemptEnded(sentAt, 0, Stopwatch.GetTimestamp());
        }

        context.Response.StatusCode = outcome.Status;
        feature.Result = new ForwardResult(outcome.Status, instance, new UsageMeter(), outcome.Failure, outcome.Status == ForwardResult.ClientClosedRequest, outcome.Outcome);
    }
}

/// <summary>
/// The gateway's steps for a call of an MCP route's tool: the same record, key, scope and limits as every other
/// request (<see cref="GatewayPipeline"/>), then <see cref="McpRouteCallStep"/> in place of routing and forwarding.
/// </summary>
internal static class McpRoutePipeline
{
    public static RequestDelegate Build(IEndpointRouteBuilder endpoints)
    {
        var app = endpoints.CreateApplicationBuilder();
        app.UseMiddleware<Forwarding.Steps.RecordStep>();        // metrics and the audit record (endpoint mcp, the tool's name)
        app.UseMiddleware<Forwarding.Steps.AuthenticateStep>();  // the key, or 401
        app.UseMiddleware<Forwarding.Steps.ReadRequestStep>();   // the arguments as the body, size-checked
        app.UseMiddleware<Forwarding.Steps.AuthoriseStep>();     // the route's name as the service's scope, or 403
        app.UseMiddleware<Forwarding.Steps.ReserveLimitsStep>(); // rate limits and concurrency, or 429
        app.Run(new McpRouteCallStep().InvokeAsync);
        return app.Build();
    }
}
